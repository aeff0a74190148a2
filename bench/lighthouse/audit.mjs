// Lighthouse on several pages with one Chrome: `node audit.mjs '<json>'`, where the JSON holds
// urls, categories, chromePath, chromeFlags and outputDir; the report of urls[i] is written to
// outputDir/i.json. Lighthouse's own CLI starts a Chrome per page, and its process then lingers
// about 4 s on a timer after the report is written: four pages cost some 20 s more that way.
import { writeFileSync } from "node:fs";
import { join } from "node:path";

import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const { urls, categories, chromePath, chromeFlags, outputDir } = JSON.parse(process.argv[2]);
const chrome = await chromeLauncher.launch({ chromePath, chromeFlags });
let status = 0;
try {
  for (const [index, url] of urls.entries()) {
    const result = await lighthouse(url, {
      port: chrome.port,
      output: "json",
      logLevel: "error",
      onlyCategories: categories,
      disableFullPageScreenshot: true,
    });
    if (!result) throw new Error(`Lighthouse returned no report for ${url}`);
    writeFileSync(join(outputDir, `${index}.json`), result.report);
  }
} catch (error) {
  console.error(error);
  status = 1;
} finally {
  chrome.kill();
}
process.exit(status);
