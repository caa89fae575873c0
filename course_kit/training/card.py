"""Model cards: one skeleton for every shipped model, and one table of data credits.

:func:`render_card` lays out a card the same way for every model kind (the
title, what it is, how to use it, then the sections below in this order);
each kind (``mocogan/export.py``, ``svg/publish.py``, ``mocogan/classifier.py``)
only writes the text of its sections. A section left empty is left out.
"""

from __future__ import annotations

__all__ = ["CREDITS", "SECTIONS", "render_card"]

#: data set -> the credit line a card trained on it carries. "push" takes ``world=`` (what the videos show).
CREDITS = {
    "weizmann": ("Weizmann human-action videos (Gorelick, Blank, Shechtman, Irani, Basri: "
                 "\"Actions as Space-Time Shapes\", ICCV 2005 / PAMI 2007), 64x64 strips copied "
                 "from the official MoCoGAN repository (github.com/sergeytulyakov/mocogan, "
                 "CC BY-NC-ND 4.0). Teaching and research use only."),
    "shapes": ("The MoCoGAN shape-motion set from the official MoCoGAN repository "
               "(github.com/sergeytulyakov/mocogan, CC BY-NC-ND 4.0)."),
    "procedural": "The kit's own procedural shape-motion generator (course_kit.data.shapes).",
    "push": ("Trained only on videos made by the kit's own procedural generator (`course_kit.svg.world`, "
             "`course-kit make-data push`): {world}. No external data set was used; no BAIR data."),
}

#: The sections of a card, in order: (keyword of render_card, heading).
SECTIONS = (("network", "Network"), ("recipe", "Recipe"), ("measured", "Measured"),
            ("data", "Data and credit"), ("limits", "Limits"), ("notes", "Notes"))


def render_card(title: str, intro: str, usage: list[str] | None = None, *, network: str = "",
                recipe: str = "", measured: str = "", data: str = "", limits: list[str] = (),
                notes: str = "") -> str:
    """Markdown: ``# title``, ``intro``, a ```python block of ``usage`` lines, then each non-empty section.

    ``limits`` is a list of sentences (one bullet each); every other section is Markdown text.
    """
    lines = [f"# {title}", "", intro.strip(), ""]
    if usage:
        lines += ["```python", *usage, "```", ""]
    bodies = dict(network=network, recipe=recipe, measured=measured, data=data, notes=notes,
                  limits="\n".join(f"- {text}" for text in limits))
    for key, heading in SECTIONS:
        if bodies[key] and bodies[key].strip():
            lines += [f"## {heading}", "", bodies[key].strip(), ""]
    return "\n".join(lines)
