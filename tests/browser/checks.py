"""Measurements taken inside the page, as JavaScript run by Playwright (never by our pages)."""

from __future__ import annotations

# WCAG 2.0 and 2.1, levels A and AA: what Section 508 asks of federal sites (and a bit more).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS},
               "resultTypes": ["violations", "incomplete"]}

# The contrast ratio of an element's text with what is behind it, by the WCAG formula.
# HTML text: its colour against the first ancestor with a background colour (white if none).
# SVG text: its fill against the <rect> drawn under its centre, or the page behind the chart.
CONTRAST_RATIO = """(el) => {
  const parse = (value) => {
    const parts = value.match(/[\\d.]+/g).map(Number);
    return {r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1};
  };
  const channel = (v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const backgroundOf = (node) => {
    for (let n = node; n && n.nodeType === 1; n = n.parentElement) {
      const colour = parse(getComputedStyle(n).backgroundColor);
      if (colour.a > 0) return colour;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  el.scrollIntoView({block: "center"});
  let fg, bg;
  if (el instanceof SVGElement) {
    fg = parse(getComputedStyle(el).fill);
    const box = el.getBoundingClientRect();
    const under = document.elementsFromPoint(box.x + box.width / 2, box.y + box.height / 2)
      .find((n) => n !== el && n.tagName === "rect");
    bg = under ? parse(getComputedStyle(under).fill) : backgroundOf(el.ownerSVGElement);
  } else {
    fg = parse(getComputedStyle(el).color);
    bg = backgroundOf(el);
  }
  const [light, dark] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}"""

# Whether the focused element shows where focus is: an outline or a box shadow on it or, for
# USWDS radios and checkboxes (the input is moved off screen), on its label's ::before box.
FOCUS_IS_VISIBLE = """(el) => {
  const shows = (style) =>
    (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
     && !style.outlineColor.endsWith(", 0)") && style.outlineColor !== "transparent")
    || (style.boxShadow && style.boxShadow !== "none");
  if (shows(getComputedStyle(el))) return true;
  for (const label of el.labels || []) {
    if (shows(getComputedStyle(label)) || shows(getComputedStyle(label, "::before"))) return true;
  }
  return false;
}"""

DESCRIBE_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "(nothing)";
  const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim();
  return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${text.slice(0, 60)}"`;
}"""

# How wide the page is, and which elements stick out past the right edge of the viewport without
# being inside a box that scrolls or clips them (a scrollable table region is fine).
PAGE_WIDTH = """() => {
  const width = document.documentElement.clientWidth;
  const sticksOut = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= width + 0.5) continue;
    let contained = false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") { contained = true; break; }
    }
    if (!contained) {
      const name = `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`;
      sticksOut.push(`${name} right=${Math.round(box.right)}`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, sticksOut: sticksOut.slice(0, 5)};
}"""

# Collect Content-Security-Policy violations as the browser reports them to the page. Added with
# add_init_script, which Chromium runs outside the page's CSP (our pages allow no inline script).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ` +
    `${event.sourceFile}:${event.lineNumber}`);
});
"""
