"""One axe audit of the page in the browser: WCAG 2.1 A/AA violations, and what axe left
undecided ("incomplete") settled by a rule we reviewed or by measuring it ourselves."""

from __future__ import annotations

import json

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.browser.checks import AXE_OPTIONS, CONTRAST_RATIO

# What axe left undecided, by rule, with how we settled it (docs/accessibility.md says more).
# A rule not listed here is a problem until someone reviews it.
REVIEWED_INCOMPLETE = {
    "color-contrast": "axe cannot see the background behind text next to a pseudo element "
                      "(USWDS icons and step bars), over a select's arrow image, or in the SVG "
                      "chart; we measure each such text's contrast ourselves.",
}
MINIMUM_CONTRAST = 4.5  # WCAG 1.4.3 for normal text; we hold large text to it too

AXE_SCRIPT = Axe().axe_script  # axe-core, as axe-playwright-python bundles it
RUN_AXE = f"(context) => axe.run(context || document, {json.dumps(AXE_OPTIONS)})"
# The contrast of each element axe names (by its selector), measured in one call, not one each.
MEASURE_CONTRAST = f"""(targets) => targets.map((target) => {{
  const el = document.querySelector(target);
  if (!el) throw new Error(`axe named ${{target}}, which the page does not have`);
  return ({CONTRAST_RATIO})(el);
}})"""


def audit(page: Page, within: str | None = None) -> list[str]:
    """Problems on the page as it is now: violations, unreviewed incompletes, low contrast.

    The page must have axe-core: the visits (tests/browser/visits.py) add it to every document
    their pages load."""
    result = page.evaluate(RUN_AXE, within)
    problems = [f"{v['id']} ({v['impact']}): {v['help']} at "
                f"{[node['target'] for node in v['nodes']][:3]}" for v in result["violations"]]
    for undecided in result["incomplete"]:
        if undecided["id"] not in REVIEWED_INCOMPLETE:
            problems.append(f"axe could not decide {undecided['id']} at "
                            f"{[node['target'] for node in undecided['nodes']][:3]}: review it, "
                            "then fix it or record why in REVIEWED_INCOMPLETE")
        elif undecided["id"] == "color-contrast":
            targets = [node["target"][0] for node in undecided["nodes"]]
            for target, ratio in zip(targets, page.evaluate(MEASURE_CONTRAST, targets),
                                     strict=True):
                if ratio < MINIMUM_CONTRAST:
                    problems.append(f"{target} has contrast {ratio:.2f}, below {MINIMUM_CONTRAST}")
    return problems
