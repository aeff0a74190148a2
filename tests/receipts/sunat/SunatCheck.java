// Runs SUNAT's validation stylesheets (ValidaExprReg*-2.0.1.xsl, XSLT 2.0) over many documents in
// one JVM with Saxon-HE's s9api: each stylesheet is compiled once. Reads lines
// "<stylesheet path>\t<file name sent>\t<xml path>" on standard input and prints one line per
// document: "<xml path>\t<error or empty>\t<observations joined by ' | '>". An error is what
// makes SUNAT reject the document (xsl:message terminate="yes"), an observation what it accepts
// with a note (terminate="no"). Started once per test process by tests/receipts/sunat_xsl.py, which
// sends a request and reads its answer, one at a time, for the whole session:
//   java -cp /usr/share/java/Saxon-HE.jar tests/receipts/sunat/SunatCheck.java
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.transform.Source;
import javax.xml.transform.URIResolver;
import javax.xml.transform.stream.StreamSource;
import net.sf.saxon.s9api.Processor;
import net.sf.saxon.s9api.QName;
import net.sf.saxon.s9api.SaxonApiException;
import net.sf.saxon.s9api.XdmAtomicValue;
import net.sf.saxon.s9api.XdmValue;
import net.sf.saxon.s9api.Xslt30Transformer;
import net.sf.saxon.s9api.XsltExecutable;

public class SunatCheck {
    private static String oneLine(String text) {
        return text == null ? "" : text.replace('\t', ' ').replace('\r', ' ').replace('\n', ' ').trim();
    }

    // The guía de remisión stylesheets (error/validate_utils.xsl) read SUNAT's catalogs by the paths
    // of SUNAT's own servers ("../../../META-INF/xsl/cpe/catalogo/cat_20.xml", ".../template/xsl/cpe/
    // catalogo/CatalogoErrores.xml"): those are read from the catalogo/ folder beside vprod-4/ instead,
    // so the rules stay as SUNAT wrote them.
    private static URIResolver catalogs(File stylesheet) {
        File folder = new File(stylesheet.getAbsoluteFile().getParentFile().getParentFile(), "catalogo");
        return (href, base) -> {
            int at = href.indexOf("/cpe/catalogo/");
            if (at < 0) return null;
            return new StreamSource(new File(folder, href.substring(at + "/cpe/catalogo/".length())));
        };
    }

    public static void main(String[] args) throws Exception {
        Processor processor = new Processor(false);
        Map<String, XsltExecutable> compiled = new HashMap<>();
        BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String request;
        while ((request = input.readLine()) != null) {
            if (request.isBlank()) continue;
            String[] parts = request.split("\t");
            XsltExecutable stylesheet = compiled.get(parts[0]);
            if (stylesheet == null) {
                stylesheet = processor.newXsltCompiler().compile(new StreamSource(new File(parts[0])));
                compiled.put(parts[0], stylesheet);
            }
            Xslt30Transformer transformer = stylesheet.load30();
            transformer.setURIResolver(catalogs(new File(parts[0])));
            Map<QName, XdmValue> parameters = new HashMap<>();
            parameters.put(new QName("nombreArchivoEnviado"), new XdmAtomicValue(parts[1]));
            transformer.setStylesheetParameters(parameters);
            List<String> observations = new ArrayList<>();
            List<String> reported = new ArrayList<>();
            transformer.setMessageListener((content, terminate, locator) -> {
                (terminate ? reported : observations).add(oneLine(content.getStringValue()));
            });
            String error = "";
            try {
                transformer.applyTemplates(new StreamSource(new File(parts[2])),
                        processor.newSerializer(OutputStream.nullOutputStream()));
            } catch (SaxonApiException rejected) {
                // The rule's code and text come first; Saxon's "terminated by xsl:message" after.
                reported.add(oneLine(rejected.getMessage()));
                error = reported.get(0);
            }
            System.out.println(parts[2] + "\t" + error + "\t" + String.join(" | ", observations));
            System.out.flush();
        }
    }
}
