"""The collected note of a plan, laid out in parts and written as one PDF.

One WeasyPrint layout of a 100-case note held every page, style and box of ~200 pages
at once (about 600 MB) and let Python's collector walk them again and again (about a
third of its half minute). Here the case sections are laid out ten at a time (each
part's garbage freed before the next), then the summary table and the cover with the
contents, and the pages of all parts are written into one tagged PDF:

* the contents' page numbers are counted, not left to ``target-counter()`` (which only
  sees its own part): each case section starts on a new page, so its page is the page
  its anchor lies on in its part plus the pages before that part; the cover and
  contents come first, so they are laid out again until their own length agrees with
  the numbers in them (once, in practice);
* the running header, the footer and "Side X af Y" are margin boxes that need the
  whole note: a "frame" document of as many empty pages of the same kinds (cover,
  portrait, landscape) is laid out with them, and each page of the note gets the
  margin boxes of its page in the frame;
* the links of the contents and the bookmarks are resolved over all pages when the
  PDF is written, as in one document.
"""

from kkdigital.lib import pdf

TEMPLATE = "notes/pdf/plan_note.html"
CASES_PER_PART = 10
# The cover and contents are laid out again while their length disagrees with the
# page numbers printed in them (a longer number can push a title onto a new line).
FRONT_ATTEMPTS = 4
CONTENTS_LINES_PER_PAGE = 35


def collected_pdf(context: dict, *, variant: str) -> bytes:
    """The PDF of ``plan_note_context``'s context (see the module docstring)."""
    from weasyprint.formatting_structure.boxes import MarginBox

    options = {
        "variant": variant,
        "fetcher": pdf.make_fetcher(),
        "font_config": pdf.font_configuration(),
    }
    sections = context["sections"]

    def layout(part, **extra):
        return pdf.layout_template(TEMPLATE, {**context, **extra, "part": part}, **options)

    with pdf.quiet_collector():
        case_pages = []
        starts = {}  # section_id -> index of its first page among the case pages
        for first in range(0, len(sections), CASES_PER_PART):
            part = sections[first : first + CASES_PER_PART]
            document = layout("cases", sections=part)
            for index, page in enumerate(document.pages):
                for anchor in page.anchors:
                    starts.setdefault(anchor, len(case_pages) + index)
            case_pages += document.pages
            del document
            pdf.settle()
        summary = layout("summary")
        summary_pages = summary.pages
        pdf.settle()

        # A first guess: the cover and pages of about 35 lines of contents.
        front_length = 1 + -(-(len(sections) + 1) // CONTENTS_LINES_PER_PAGE)
        for _attempt in range(FRONT_ATTEMPTS):
            before_cases = front_length + len(summary_pages)
            numbered = [
                {**section, "page": before_cases + starts[section["section_id"]] + 1}
                for section in sections
            ]
            front = layout("front", sections=numbered, summary_page=front_length + 1)
            if len(front.pages) == front_length:
                break
            front_length = len(front.pages)
        else:
            raise RuntimeError("The contents of the collected note do not settle.")
        pages = [*front.pages, *summary_pages, *case_pages]
        kinds = (
            ["cover"]
            + ["portrait"] * (front_length - 1)
            + ["landscape"] * len(summary_pages)
            + ["portrait"] * len(case_pages)
        )
        frame = layout("frame", frame=kinds)
        if len(frame.pages) != len(pages):
            raise RuntimeError(f"The frame has {len(frame.pages)} pages for {len(pages)}.")
        for page, frame_page in zip(pages, frame.pages, strict=True):
            if (page.width, page.height) != (frame_page.width, frame_page.height):
                raise RuntimeError("A page of the frame differs in size from its page.")
            box = page._page_box
            box.children = (
                *(child for child in box.children if not isinstance(child, MarginBox)),
                *(child for child in frame_page._page_box.children if isinstance(child, MarginBox)),
            )
        del frame, summary
        pdf.settle()
        return pdf.write_pdf(front, pages, variant=variant)
