"""One look for every figure: colours per channel, commodity and site kind, font sizes,
number and date formatting, and saving to PNG and SVG.

Figures are built with matplotlib's object API (:class:`matplotlib.figure.Figure`), never
with pyplot, so no global figure state is created and nothing needs a display. The sizes
and fonts live in :data:`RC`, applied with :func:`styled` while a figure is built and saved,
over matplotlib's own defaults (:func:`defaults`), never the user's matplotlibrc or style.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import matplotlib as mpl
import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter

from sim.words import id_words

# --------------------------------------------------------------------------------- colours
CHANNEL_COLORS = {
    "china": "#c0392b",
    "western": "#2e6fb5",
    "us_partnered": "#2a9d8f",
    "informal": "#8d6e63",
}
"""Who controls a flow. Other channels get colours from :data:`EXTRA_COLORS`."""

COMMODITY_COLORS = {"cobalt": "#1f4e9c", "copper": "#b8651b", "gold": "#c9a227"}
"""One colour per commodity."""

KIND_COLORS = {
    "mine": "#8c510a",
    # border posts teal, trading hubs red: two reds side by side in a stocks panel could
    # not be told apart
    "border_post": "#01665e",
    "port": "#2166ac",
    "junction": "#777777",
    "trading_hub": "#b2182b",
    "refiner": "#1b7837",
    "market": "#762a83",
    "stockpile": "#e08214",
}
"""One colour per site kind (the same as the network map's markers)."""

SCENARIO_COLORS = ["#333333", "#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e",
                   "#17becf", "#8c564b"]
"""Scenarios in a comparison, in order (the first, usually the baseline, is dark grey)."""

LineStyle = str | tuple[float, tuple[float, ...]]

LINESTYLES: list[LineStyle] = [
    "-", (0, (5, 2)), (0, (1, 1.2)), (0, (6, 1.5, 1.2, 1.5)), (0, (2.5, 1.5)),
    (0, (8, 2, 1.2, 2, 1.2, 2)), (0, (12, 3)), (0, (1, 3))]
"""Eight line styles told apart without colour (solid, dashed, dotted, dash-dot, short
dashes, dash-dot-dot, long dashes, sparse dots): lines of a figure whose colours a reader
with a colour-vision deficiency, or a grey print, cannot separate keep a second cue."""

SCENARIO_LINESTYLES = LINESTYLES
"""Line styles of the scenarios of a comparison, in order (the first solid), one for each
of :data:`SCENARIO_COLORS`: a scenario drawn over another with the same values leaves gaps
through which the other shows."""

KIND_LINESTYLES: dict[str, LineStyle] = dict(zip(
    ("mine", "port", "junction", "refiner", "border_post", "trading_hub", "market",
     "stockpile"), LINESTYLES, strict=True))
"""One line style per site kind: mines, border posts, ports and refiners, drawn together
by default, are brown, teal, blue and green, which protanopia, deuteranopia, tritanopia and
grey print bring within reach of one another. Dots (junctions) are for a kind seldom drawn:
a short period's points are joined by dots too."""

HATCHES = ["", "///", "...", "xxx", "\\\\\\", "+++", "ooo", "---", "|||", "***"]
"""Hatching of stacked areas, in order of their keys: the channels' red, blue, brown and
teal fall close together in a grey print (and some pairs under a colour-vision
deficiency), so each layer has a texture of its own as well."""
HATCH_COLOR = "#ffffff"

COUNTRY_COLORS = {"CHN": "#6e1a12", "USA": "#14524b", "ROW": "#7f7f7f"}
"""Destination countries with a colour of their own, distinct from every channel's (a
figure may draw the china channel and China side by side): China a dark shade of the
china channel's red, the United States a dark shade of the US-partnered channel's teal,
the rest of the world grey. A market takes its country's colour (:func:`key_colors`)."""

MARKET_COLORS = {"CHN": "#e8847a", "USA": "#86c9bf"}
"""A market's colour when its country is drawn in the same figure (a light shade of the
country's hue): the two keys may not share one."""

EXTRA_COLORS = ["#b32666", "#00bf80", "#8099ff", "#667300", "#e377c2", "#995980",
                "#d9a673", "#596633", "#ff7399", "#a6b373", "#b3a6d9", "#e699b3"]
"""Colours, in order, of the keys (channels, countries, markets) with none of their own
(:func:`key_colors`), and of a commodity with none of its own (:func:`commodity_color`);
none is one of the fixed colours of this module, nor near one
(:func:`colour_distance` at least :data:`MIN_COLOUR_DISTANCE`), nor near another, black
(the colour of the means a figure marks over its keys' colours) or white (the page).
Review 175: lithium took #b15928, 11 apart from copper's #b8651b, and four of the twelve
were scenario colours; the fixed colours crowd the saturated hues, so these are the pinks,
olives and pale blues between them."""
CLOSED_COLOR = "#d62728"
NEUTRAL = "#555555"
BAND_ALPHA = 0.18
"""Transparency of the 5-95% band across replications."""
CI_ALPHA = 0.40
"""Transparency of the 95% confidence band of the mean."""


MIN_COLOUR_DISTANCE = 24.0
"""Least :func:`colour_distance` of each of :data:`EXTRA_COLORS` from every fixed colour
of this module, black, white and each other (lithium's #b15928 was 11 from copper's, and
its lines read as copper's)."""


def colour_distance(a: str, b: str) -> float:
    """How far apart two colours look: the CIE76 colour difference (Delta E*ab), the
    Euclidean distance between their CIELAB coordinates (sRGB, D65 white); about 2.3 is
    the least difference seen side by side."""
    return math.dist(_lab(a), _lab(b))


def _lab(color: str) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(color)]
    rows = ((0.4124564, 0.3575761, 0.1804375), (0.2126729, 0.7151522, 0.0721750),
            (0.0193339, 0.1191920, 0.9503041))
    white = (0.95047, 1.0, 1.08883)
    fx, fy, fz = (_lab_f(sum(m * c for m, c in zip(row, lin, strict=True)) / w)
                  for row, w in zip(rows, white, strict=True))
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def _lab_f(t: float) -> float:
    d = 6 / 29
    return t ** (1 / 3) if t > d ** 3 else t / (3 * d * d) + 4 / 29


def _pick(table: dict[str, str], name: str) -> str:
    if name in table:
        return table[name]
    return EXTRA_COLORS[sum(map(ord, name)) % len(EXTRA_COLORS)]


def channel_color(name: str) -> str:
    """Colour of a channel (stable for channels not in :data:`CHANNEL_COLORS`, but two such
    channels may share one: a figure drawing several keys takes :func:`key_colors`)."""
    return _pick(CHANNEL_COLORS, name)


def key_colors(keys: Iterable[str], same_as: Mapping[str, str] | None = None
               ) -> dict[str, str]:
    """One colour per key of a figure (channels, destination countries, markets), no two
    alike, and the same in every figure whatever the order of the keys.

    A channel always has its colour (:data:`CHANNEL_COLORS`) and a country its own
    (:data:`COUNTRY_COLORS`, none a channel's); a market (``same_as[key]``, its country)
    takes its country's colour, or :data:`MARKET_COLORS`'s shade of it when the country is
    drawn too. The other keys take :data:`EXTRA_COLORS` in order of position, skipping
    colours taken. Only more keys than all those colours repeat one."""
    keys = list(dict.fromkeys(keys))
    same_as = same_as or {}
    out: dict[str, str] = {}
    # fixed colours in rank (channels, countries, markets), not in the keys' order: a
    # country listed first took the colour a channel has in every other figure
    for key in keys:
        if key in CHANNEL_COLORS:
            out[key] = CHANNEL_COLORS[key]
    for key in keys:
        if key not in out and key in COUNTRY_COLORS \
                and COUNTRY_COLORS[key] not in out.values():
            out[key] = COUNTRY_COLORS[key]
    for key in keys:
        country = same_as.get(key, "")
        if key in out or country not in COUNTRY_COLORS:
            continue
        for color in (COUNTRY_COLORS[country], MARKET_COLORS.get(country)):
            if color is not None and color not in out.values():
                out[key] = color
                break
    spare = [c for c in EXTRA_COLORS if c not in out.values()]
    rest = [k for k in keys if k not in out]
    for i, key in enumerate(rest):
        out[key] = spare[i % len(spare)] if spare else EXTRA_COLORS[i % len(EXTRA_COLORS)]
    return {key: out[key] for key in keys}


def commodity_color(name: str) -> str:
    """Colour of a commodity."""
    return _pick(COMMODITY_COLORS, name)


def kind_color(name: str) -> str:
    """Colour of a site kind."""
    return _pick(KIND_COLORS, name)


def scenario_color(i: int) -> str:
    """Colour of the ``i``-th scenario of a comparison."""
    return SCENARIO_COLORS[i % len(SCENARIO_COLORS)]


def scenario_linestyle(i: int) -> LineStyle:
    """Line style of the ``i``-th scenario of a comparison."""
    return SCENARIO_LINESTYLES[i % len(SCENARIO_LINESTYLES)]


def kind_linestyle(name: str) -> LineStyle:
    """Line style of a site kind (solid for a name that is not one)."""
    return KIND_LINESTYLES.get(name, "-")


def hatch(i: int) -> str:
    """Hatching of the ``i``-th layer of a stacked area (none for the first)."""
    return HATCHES[i % len(HATCHES)]


label = id_words
"""An id as words: ``us_partnered`` -> ``us partnered`` (:func:`sim.words.id_words`)."""


def plain(text: str) -> str:
    """``text`` (a name or title a scenario gives) escaped for matplotlib, so it is drawn
    as written: an unescaped ``$`` starts mathtext, which draws "$5 and $10" in italics
    and fails to render on "$^_$"."""
    return text.replace("$", r"\$")


def fit(text: str, width_pt: float, fontsize: float) -> str:
    """``text`` wrapped onto as few lines as keep each narrower than ``width_pt`` points
    at ``fontsize`` (measured with the font's metrics, so no figure is drawn), a number
    never split nor parted from its unit (:func:`_keep_units`), though it be wider."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    font = FontProperties(size=fontsize)

    def widest(lines: list[str]) -> float:
        return max(text_to_path.get_text_width_height_descent(line, font, ismath=False)[0]
                   for line in lines)

    kept = _keep_units(text)
    best: tuple[float, list[str]] | None = None
    for chars in range(len(kept), 0, -1):
        lines = _wrap_lines(kept, chars) or [kept]
        wide = widest(lines)
        if wide <= width_pt:
            return "\n".join(lines).replace(NBSP, " ")
        if best is None or wide < best[0]:
            best = (wide, lines)
    # a number and its unit wider than width_pt: as narrow as the number allows
    return "\n".join(best[1] if best else [kept]).replace(NBSP, " ")


def fit_lines(text: str, width_pt: float, fontsize: float) -> str:
    """Each line of ``text`` :func:`fit` to ``width_pt`` points at ``fontsize`` (its line
    breaks kept): a title naming a scenario, whose id may be 64 characters long."""
    return "\n".join(fit(line, width_pt, fontsize) if line.strip() else line
                     for line in text.split("\n"))


def text_width(text: str, fontsize: float) -> float:
    """Width in points of the widest line of ``text`` at ``fontsize``."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    font = FontProperties(size=fontsize)
    return max((text_to_path.get_text_width_height_descent(line, font, ismath=False)[0]
                for line in text.split("\n")), default=0.0)


def wrap(text: str, width: int) -> str:
    """Each line of ``text`` wrapped onto lines of at most ``width`` characters (for
    titles that would be wider than their panel or figure)."""
    return "\n".join("\n".join(_wrap_lines(_keep_units(line), width)) or line
                     for line in text.split("\n")).replace(NBSP, " ")


# ------------------------------------------------------------------------------- fonts etc.
RC: dict[str, Any] = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "figure.titlesize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.linewidth": 0.4,
    "grid.alpha": 0.5,
    "legend.frameon": False,
    "hatch.linewidth": 0.7,
    "svg.fonttype": "path",  # SVG text as outlines: the file needs no font to render
    "svg.hashsalt": "drc-minerals-sim",  # stable ids, so the same figure gives the same file
    "savefig.dpi": 150,
}
"""matplotlib settings applied while a figure is built and saved."""

WIDTH = 11.0
"""Default figure width in inches."""

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def defaults() -> Iterator[None]:
    """matplotlib's own default settings for the duration of a block (the previous ones
    restored after), whatever the user's matplotlibrc or style sheet sets.

    Review 250: a matplotlibrc made for other work reached every figure: a dark
    background, another font, ``savefig.bbox: tight`` (other sizes than README gives),
    and ``text.usetex`` where no LaTeX is installed made every figure an internal error.
    The backend and the other settings a style leaves alone (matplotlib's style
    blacklist) are kept, but the time zone is UTC, matplotlib's default: the model's
    dates are calendar days, which a zone would shift against their ticks."""
    import matplotlib.style

    with mpl.rc_context(), _glyphs_said_once():
        matplotlib.style.use("default")
        mpl.rcParams["timezone"] = "UTC"
        yield


_MISSING_GLYPH = re.compile(r"Glyph \d+ \((.+)\) missing from font\(s\) (.+?)\.?$")
"""matplotlib's warning for a character its font lacks (drawn as an empty box)."""

_GLYPHS_SAID: set[tuple[str, str]] = set()
"""(font, characters) already said in this process (:func:`_glyphs_said_once`)."""


@contextmanager
def _glyphs_said_once() -> Iterator[None]:
    """matplotlib's warnings of characters missing from the figures' font, gathered in a
    block and said as one :class:`~sim.output.errors.MissingGlyphWarning` after it, once
    in a process for the same characters. A site named in Chinese (钴) printed the same
    warning, with its line of source, for each of its characters every time a figure was
    laid out or saved: 9 times for one name in a run, more than the run's own output
    (review 252); under ``-W error`` each stopped the figure. Other warnings pass on as
    they were."""
    missing: dict[str, str] = {}  # character -> font
    with warnings.catch_warnings():
        shown = warnings.showwarning

        def show(message: Any, category: type[Warning], *rest: Any, **kw: Any) -> None:
            found = _MISSING_GLYPH.match(str(message))
            if found is None or not issubclass(category, UserWarning):
                shown(message, category, *rest, **kw)
                return
            char = found.group(1)
            with suppress(UnicodeDecodeError, ValueError):
                char = char.encode("ascii").decode("unicode_escape")  # \N{...} -> 钴
            missing.setdefault(char, found.group(2))

        warnings.showwarning = show
        warnings.filterwarnings("always", message=_MISSING_GLYPH.pattern,
                                category=UserWarning)
        yield
    for font in dict.fromkeys(missing.values()):
        chars = "".join(c for c, f in missing.items() if f == font)
        if (font, chars) in _GLYPHS_SAID:
            continue
        _GLYPHS_SAID.add((font, chars))
        from sim.output.errors import MissingGlyphWarning

        warnings.warn(MissingGlyphWarning(
            f"the figures' font ({font}) has no {chars}: drawn as empty boxes in the "
            "figures (the tables and report.html show every name as written)"),
            stacklevel=3)


@contextmanager
def style() -> Iterator[None]:
    """Apply matplotlib's defaults (:func:`defaults`) and :data:`RC` over them for the
    duration of a block (and restore the previous settings)."""
    with defaults(), mpl.rc_context(RC):
        yield


def styled(func: Callable[P, R]) -> Callable[P, R]:
    """Build a figure under :func:`style`."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with style():
            return func(*args, **kwargs)

    return wrapper


def defaulted(func: Callable[P, R]) -> Callable[P, R]:
    """Build a figure under :func:`defaults` (not :data:`RC`): the figures drawn in
    matplotlib's default look (the network map, the calendar of ``sim show``, a sweep's)."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with defaults():
            return func(*args, **kwargs)

    return wrapper


class SimFigure(Figure):
    """A matplotlib figure that shows itself in Jupyter without pyplot (as a PNG)."""

    def _repr_png_(self) -> bytes:
        return figure_bytes(self, "png", dpi=100)


def new_figure(width: float = WIDTH, height: float = 5.0, **kwargs: Any) -> SimFigure:
    """An empty figure with constrained layout."""
    return SimFigure(figsize=(width, height), layout="constrained", **kwargs)


# ----------------------------------------------------------------------------- formatting
def _tonnes(x: float, _pos: object = None) -> str:
    ax = abs(x)
    if ax >= 1e6:
        return f"{x / 1e6:,.3g} M"
    if ax >= 1e4:
        return f"{x / 1e3:,.4g} k"
    if ax >= 10 or x == 0:
        return f"{x:,.0f}"
    return f"{x:.3g}"


class TonnesFormatter(Formatter):
    """Tick labels for tonnes, one scale per axis: 0, 2,000, 4,000 or 0, 50 k, 100 k or
    1 M, 1.5 M, 2 M.

    The scale is the largest tick's (as :func:`format_tonnes` would write it), so an axis
    never mixes ``8,000`` with ``10 k``.
    """

    def __init__(self) -> None:
        self._divisor, self._suffix = 1.0, ""

    def set_locs(self, locs: Sequence[float]) -> None:
        super().set_locs(locs)
        top = max((abs(v) for v in locs), default=0.0)
        self._divisor, self._suffix = ((1e6, " M") if top >= 1e6 else
                                       (1e3, " k") if top >= 1e4 else (1.0, ""))

    def __call__(self, x: float, pos: int | None = None) -> str:
        if not self._suffix or x == 0:
            return _tonnes(x)
        return f"{x / self._divisor:,.4g}{self._suffix}"


def format_tonnes(x: float) -> str:
    """A number of tonnes, short: ``3.31 M``, ``220 k``, ``40.1``."""
    return _tonnes(x)


def _sig3(x: float) -> str:
    """``x`` to three significant figures, thousands separated (``7,390``, ``73.1``),
    trailing zeros kept (``73.0``, ``2.80``: review 225)."""
    r = _round3(x)
    if abs(r) >= 100 or r == 0:
        return f"{r:,.0f}"
    return f"{r:.{2 - math.floor(math.log10(abs(r)))}f}"


def _round3(x: float) -> float:
    return round(x, 2 - math.floor(math.log10(abs(x)))) if x else 0.0


def format_tonnes_3(x: float) -> str:
    """A number of tonnes to three significant figures, whatever its size (review 221: the
    lead times' rows read ``284.2 k``, ``73.07 k`` and ``7,387`` side by side): ``2.84 M``,
    ``284 k``, ``73.1 k``, ``7,390``, ``3.69``; NaN as "-"."""
    if not math.isfinite(x):
        return "-"
    r = _round3(x)
    if abs(r) >= 1e6:
        return f"{_sig3(r / 1e6)} M"
    if abs(r) >= 1e4:
        return f"{_sig3(r / 1e3)} k"
    return _sig3(r)


NBSP = "\u00a0"


def _keep_units(text: str) -> str:
    """``text`` with the space after a number, and a ``k`` or ``M`` before ``t``, made
    non-breaking, so wrapping never splits a number from its unit ("1,279 / days",
    "124.5 / k"; review 221)."""
    text = re.sub(r"(?<=\d) (?=\S)", NBSP, text)
    return re.sub(r"(?<=\d\u00a0[kM]) (?=t\b)", NBSP, text)


_NUMBER_WORD = re.compile(r"[(\[]?(?:US)?\$?[-+\u2212]?\d[\d,.:/%-]*[)\],.;:]*"
                          r"(?:\u00a0[^\s\u00a0]{1,12})*")
"""A number (or date, or sum in US$), with the unit :func:`_keep_units` joined to it: a
"word" wrapping never breaks, though it be longer than the line. A word after a number that
is longer than a unit (a site id: "3 kamoto_copper_company_concentrator_plant") is not a
unit, and such a chunk can still be broken (review 233)."""
_NUMBER_DIGITS = 15
"""A "number" of more digits than this is none a reader takes in as one (the digits left of
an id already broken, "2345678901234567890"): it may be broken."""


class _NumberKeepingWrapper(textwrap.TextWrapper):
    """A :class:`textwrap.TextWrapper` that breaks a word longer than the line (a scenario
    id) but never a number with its unit: "1,461 days" wider than the line keeps a line of
    its own, where the default wrapper wrote "1,4" / "61 days" (review 226)."""

    def _handle_long_word(self, reversed_chunks: list[str], cur_line: list[str],
                          cur_len: int, width: int) -> None:
        chunk = reversed_chunks[-1]
        if sum(c.isdigit() for c in chunk) <= _NUMBER_DIGITS and _NUMBER_WORD.fullmatch(chunk):
            if not cur_line:
                cur_line.append(reversed_chunks.pop())
            return
        super()._handle_long_word(reversed_chunks, cur_line, cur_len, width)


def _wrap_lines(text: str, width: int) -> list[str]:
    """``text`` wrapped onto lines of at most ``width`` characters, a number and its unit
    never split (a line holding only one may be longer), no line beginning or ending in a
    space (textwrap leaves "ab " before a long word it breaks, and a long word broken right
    after a number starts its next line with the space that joined them)."""
    return [line.strip(" " + NBSP) for line in _NumberKeepingWrapper(width).wrap(text)]


def date_axis(ax: Axes, span: tuple[Any, Any] | None = None) -> None:
    """Calendar dates on the x axis, labelled concisely (months, with the year once).
    ``span``: (first day, day after the last) of the run, as dates or datetime64, to set
    the limits to; for a series of fewer than two points, around which matplotlib's
    autoscaling spans four years (a 20-day run drawn from 2022 to 2026)."""
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_xlabel("date")
    if span is not None:
        ax.set_xlim(*mdates.date2num(list(span)))


def tonnes_axis(ax: Axes, what: str = "tonnes of metal") -> None:
    """Tonnes on the y axis, with ``what`` (and its unit) as the label."""
    ax.yaxis.set_major_formatter(TonnesFormatter())
    ax.set_ylabel(what)


# ---------------------------------------------------------------------------------- saving
def figure_bytes(fig: Figure, fmt: str = "png", dpi: float | None = None) -> bytes:
    """The figure rendered to PNG or SVG bytes."""
    buf = io.BytesIO()
    with style():
        fig.savefig(buf, format=fmt, dpi=dpi or RC["savefig.dpi"],
                    metadata=file_metadata(fmt))
    return buf.getvalue()


def file_metadata(fmt: str) -> dict[str, Any]:
    """``savefig``'s ``metadata`` for a figure file of format ``fmt`` (png, svg, pdf): no
    creation date, so the same results give the same figure files."""
    if fmt == "svg":
        return {"Date": None, "Creator": "drc-minerals-sim"}
    if fmt == "png":
        return {"Software": "drc-minerals-sim"}
    if fmt == "pdf":
        return {"CreationDate": None, "Creator": "drc-minerals-sim"}
    return {}


def save(fig: Figure, folder: Path, stem: str,
         formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    """Save ``fig`` as ``folder/stem.png`` and ``folder/stem.svg``; returns the paths."""
    from sim.output.atomic import atomic_write_bytes

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for fmt in formats:
        path = folder / f"{stem}.{fmt}"
        atomic_write_bytes(path, figure_bytes(fig, fmt))
        out.append(path)
    return out
