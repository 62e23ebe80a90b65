"""What the widgets share on the page: frames, decks of frames, status lines, the kernel-free fallback.

The widgets (:mod:`backprop.widgets`) import these; this module imports no
widget.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import NamedTuple

import ipywidgets as widgets

from ..runs import CONVERGED, DIVERGED, NOT_CONVERGED
from .figure import CSS_DPI

__all__ = ["WIDE", "COLORS", "binder_url", "kernel_free_html", "status_html", "frame_image",
           "deck", "deck_style", "DECK_CLASS", "READOUT_CLASS", "frame_slider", "controls_row", "FramePlayer",
           "frame_player"]

WIDE = {"description_width": "initial"}

COLORS = {CONVERGED: "#1b5e20", NOT_CONVERGED: "#8a4b00", DIVERGED: "#b00000"}  # a run's verdict


def status_html(text, verdict):
    """A status line in the colour of a run's verdict (only "converged" is green)."""
    return f'<span style="color:{COLORS[verdict]}">{html.escape(text)}</span>'


def binder_url(config=None):
    """The Binder address of the book's notebooks, made from ``repository`` in ``_config.yml``.

    ``https://mybinder.org/v2/gh/OWNER/REPO/BRANCH?urlpath=lab/tree/book`` for
    ``repository.url`` ``https://github.com/OWNER/REPO`` (``binderhub_url``
    from ``launch_buttons``).  ``config`` defaults to the ``_config.yml`` of
    the checkout this package lives in; None if there is none (e.g. an
    installed copy) or it names no GitHub repository.
    """
    path = Path(config) if config else Path(__file__).resolve().parents[2] / "_config.yml"
    try:
        import yaml  # PyYAML is optional: an installed copy without it has no Binder link

        cfg = yaml.safe_load(path.read_text())
    except (ImportError, OSError):
        return None
    repo = (cfg.get("repository") or {})
    url = str(repo.get("url", "")).rstrip("/")
    prefix = "https://github.com/"
    if not url.startswith(prefix) or url.count("/") != 4:
        return None
    hub = str((cfg.get("launch_buttons") or {}).get("binderhub_url") or "https://mybinder.org")
    book = str(repo.get("path_to_book") or "").strip("/")
    folder = "/".join(p for p in (book, "book") if p)
    return (f"{hub.rstrip('/')}/v2/gh/{url[len(prefix):]}/{repo.get('branch') or 'main'}"
            f"?urlpath=lab/tree/{folder}")


def kernel_free_html(png, alt, width, what, extra=""):
    """The text/html a kernel-bound widget offers the static book: its first picture, then
    a line saying that ``what`` needs a running kernel and where to find one (Binder)."""
    data = base64.b64encode(png).decode("ascii")
    url = binder_url()
    where = (f'open this notebook in Jupyter, or <a href="{html.escape(url)}">launch it on '
             f"Binder</a>" if url else "open this notebook in Jupyter")
    return (
        f'<div class="live-trainer-static">'
        f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" '
        f'style="width:{width}px;max-width:100%">'
        f"<p><em>{what}, which needs a running Python kernel, so this page shows its first "
        f"picture. To use it, {where}.</em></p>"
        f"{extra}</div>"
    )


def frame_image(png, fig):
    """An ``ipywidgets.Image`` of a stored frame, shown at its CSS size (half its pixels)."""
    w_in = fig.fig.get_figwidth()
    return widgets.Image(value=png, format="png",
                         layout=widgets.Layout(width="100%", max_width=f"{round(w_in * CSS_DPI)}px",
                                               height="auto"))


# Frames are shown by a ``widgets.Tab`` whose tab bar is hidden, not by a ``widgets.Stack``:
# a StackView removes the view of the frame it hides and creates one for the frame it
# shows, and when a slider moves again before the new view is ready, the HTML manager
# posts a resize message to the view it has just removed ("TypeError: Cannot read
# properties of null (reading 'processLuminoMessage')").  A TabView creates every
# frame's view once and only switches which one is visible.
DECK_CLASS = "bp-frames"
_DECK_CSS = (f"<style>.{DECK_CLASS} > .lm-TabBar {{display: none !important}} "
             f".{DECK_CLASS} > .widget-tab-contents {{border: none !important; "
             f"padding: 0 !important; background: none !important}}</style>")


def deck(children, selected_index):
    """The frames (or decks of frames) in a Tab without its tab bar; one shown at a time."""
    tab = widgets.Tab(list(children), selected_index=selected_index)
    tab.add_class(DECK_CLASS)
    return tab


def deck_style():
    """An invisible HTML widget whose <style> hides the decks' tab bars (site and Jupyter)."""
    return widgets.HTML(_DECK_CSS, layout=widgets.Layout(display="none"))


# A SelectionSlider's own readout is editable text that does nothing when typed into
# without a kernel (a dead control on the site).  The precomputed widgets hide it and
# show the slider's label in a deck of non-editable Labels instead, jslink-ed to the
# slider's index: the browser switches it as it switches the frames.
READOUT_CLASS = "bp-readout"
# At its maximum a slider's handle reaches 2 px past the slider's box when its readout
# is hidden; the padding keeps it inside and off the next control.
_SLIDER_LAYOUT = {"padding": "0 8px 0 0", "max_width": "100%"}


def frame_slider(options, value, description):
    """A SelectionSlider over ``options`` ((label, value) pairs) that shows its value.

    Returns ``(slider, row, link)``: the slider (``readout=False``), the HBox
    of the slider and its readout (a deck of ``ipywidgets.Label``, one per
    label, class ``READOUT_CLASS``) and the ``jslink`` from the slider's
    ``index`` to the readout's ``selected_index``.
    """
    slider = widgets.SelectionSlider(options=list(options), value=value, description=description,
                                     continuous_update=True, readout=False, style=WIDE,
                                     layout=widgets.Layout(**_SLIDER_LAYOUT))
    shown = deck([widgets.Label(label) for label, _ in options], selected_index=slider.index)
    shown.add_class(READOUT_CLASS)
    shown.layout = widgets.Layout(width="auto", min_width="3em")
    link = widgets.jslink((slider, "index"), (shown, "selected_index"))
    row = widgets.HBox([slider, shown], layout=widgets.Layout(align_items="center",
                                                              margin="0 12px 0 0"))
    return slider, row, link


def controls_row(children):
    """An HBox of controls that wraps onto a new line where the page is too narrow."""
    return widgets.HBox(list(children), layout=widgets.Layout(flex_flow="row wrap",
                                                              align_items="center"))


class FramePlayer(NamedTuple):
    """What :func:`frame_player` makes; ``children`` are the widget's rows."""

    play: widgets.Play
    slider: widgets.SelectionSlider
    links: list
    readout_links: list
    children: list


def frame_player(stack, labels, description, interval):
    """A Play button and a slider over the frames of ``stack`` (a :func:`deck`), from the first.

    ``labels[k]`` names frame k on the slider and in its readout;
    ``interval`` is milliseconds per frame.  ``links`` are the two
    ``jslink`` widgets (play value -> slider index -> stack index), so the
    browser plays the frames without a kernel; ``children`` the widget's
    rows: the controls (wrapping on a phone), the frames and the decks' style.
    """
    slider, row, readout_link = frame_slider([(str(label), k) for k, label in enumerate(labels)],
                                             0, description)
    play = widgets.Play(value=0, min=0, max=len(labels) - 1, step=1, interval=int(interval),
                        description="play", repeat=False, show_repeat=False)
    links = [widgets.jslink((play, "value"), (slider, "index")),
             widgets.jslink((slider, "index"), (stack, "selected_index"))]
    return FramePlayer(play, slider, links, [readout_link],
                       [controls_row([play, row]), stack, deck_style()])
