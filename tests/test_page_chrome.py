"""The page chrome's style sheet reaches the page."""

from ui import chrome, full_choice


def test_the_style_sheet_holds_no_markup_that_the_sanitiser_drops():
    """st.html sanitises with DOMPurify, which removes a <style> element whose text contains
    something like a tag ("<input>" in a CSS comment was enough): every rule of the sheet was gone."""
    for sheet in (chrome._CONTENT_CSS, full_choice.script().split("</script>")[1]):
        inner = sheet.strip().removeprefix("<style>").removesuffix("</style>")
        assert "<" not in inner, "a '<' inside the style sheet makes the sanitiser drop all of it"
