"""A policy's plain text as the page shows it: "## " lines are headings, blank lines split paragraphs."""


def blocks(body: str) -> list[tuple[str, str]]:
    """[("h", heading) | ("p", paragraph)] in order; a paragraph keeps its single line breaks."""
    found: list[tuple[str, str]] = []
    for chunk in body.replace("\r\n", "\n").split("\n\n"):
        lines = [line.rstrip() for line in chunk.strip("\n").split("\n") if line.strip()]
        paragraph: list[str] = []
        for line in lines:
            if line.startswith("## "):
                if paragraph:
                    found.append(("p", "\n".join(paragraph)))
                    paragraph = []
                found.append(("h", line[3:].strip()))
            else:
                paragraph.append(line)
        if paragraph:
            found.append(("p", "\n".join(paragraph)))
    return found
