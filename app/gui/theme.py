"""The dark theme: one palette for widgets and the colours the piano roll paints with.

Contrast is chosen so labels stay readable (text ≥ 7:1 on panels) and black/white-key rows,
scale rows and grid lines remain distinguishable at a glance.
"""
from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

BG = "#1e2126"
PANEL = "#272b31"
PANEL_LIGHT = "#323740"
BORDER = "#3d434d"
TEXT = "#e6e9ee"
TEXT_DIM = "#a3abb8"
ACCENT = "#f0a030"
SELECT = "#3d8fd8"
TEXT_DISABLED = "#6b7280"

# One hue per track; notes, track strips and ghost notes use them.
TRACK_COLORS = (
    "#e8a33d", "#4fb7d9", "#8ccf5b", "#e06c8a", "#a98be8", "#e0d25a",
    "#52d3a6", "#ef7f4a", "#7f9cf5", "#d98ad9", "#b0c46a", "#5ec2c2",
)


def track_color(index: int) -> QColor:
    return QColor(TRACK_COLORS[index % len(TRACK_COLORS)])


class RollColors:
    """Colours of the painted editor, in one place so the roll, keyboard and lane agree."""

    white_row: QColor = QColor("#2b3038")
    black_row: QColor = QColor("#23272e")
    scale_row: QColor = QColor("#323843")  # in-scale rows are lighter
    tonic_row: QColor = QColor("#34404f")  # the key note: a cool tint, apart from the loop's orange
    row_line: QColor = QColor("#1d2026")
    octave_line: QColor = QColor("#141619")
    step_line: QColor = QColor("#30353e")
    beat_line: QColor = QColor("#3c424c")
    bar_line: QColor = QColor("#5b6370")
    note_border: QColor = QColor("#101215")
    selected_fill: QColor = QColor("#f4f7fb")
    selected_border: QColor = QColor(SELECT)
    ghost_fill: QColor = QColor(170, 180, 195, 60)
    preview_fill: QColor = QColor(240, 160, 48, 150)
    erase_mark: QColor = QColor(230, 70, 70, 200)
    timing_mark: QColor = QColor("#cfd6e0")  # the drum lane: the grid line an off-grid hit belongs to
    playhead: QColor = QColor("#ff5a4f")
    loop_fill: QColor = QColor(240, 160, 48, 18)
    loop_ruler: QColor = QColor(240, 160, 48, 150)
    loop_ruler_off: QColor = QColor(160, 165, 175, 90)
    rubber_band: QColor = QColor(61, 143, 216, 60)
    rubber_band_edge: QColor = QColor(SELECT)
    after_end: QColor = QColor(0, 0, 0, 40)
    ruler_bg: QColor = QColor(PANEL)
    ruler_text: QColor = QColor(TEXT)
    ruler_tick: QColor = QColor("#7b8494")
    key_white: QColor = QColor("#dfe3e8")
    key_black: QColor = QColor("#1a1c20")
    key_pressed: QColor = QColor(ACCENT)
    key_label: QColor = QColor("#3a3f47")
    lane_bg: QColor = QColor("#22262c")
    lane_guide: QColor = QColor("#343a43")
    offscreen_mark: QColor = QColor(18, 20, 24, 215)  # "▼ 12 notes below": a pill at the roll's edge
    offscreen_text: QColor = QColor(ACCENT)


ROLL = RollColors()

STYLESHEET = f"""
QMainWindow, QDialog {{ background: {BG}; }}
QWidget {{ color: {TEXT}; font-size: 10pt; }}
QWidget:disabled, QMenu::item:disabled {{ color: {TEXT_DISABLED}; }}
QToolBar {{ background: {PANEL}; border: none; border-bottom: 1px solid {BORDER}; spacing: 6px; padding: 3px; }}
QToolBar QLabel {{ color: {TEXT_DIM}; padding-left: 4px; }}
QStatusBar {{ background: {PANEL}; border-top: 1px solid {BORDER}; }}
QStatusBar QLabel {{ color: {TEXT_DIM}; padding: 0 6px; }}
QMenuBar {{ background: {PANEL}; }}
QMenuBar::item:selected, QMenu::item:selected {{ background: {SELECT}; color: white; }}
QMenu {{ background: {PANEL}; border: 1px solid {BORDER}; }}
QMenu::separator {{ height: 1px; background: {BORDER}; margin: 4px 8px; }}
QLineEdit, QSpinBox, QDoubleSpinBox, QComboBox {{
    background: {BG}; border: 1px solid {BORDER}; border-radius: 3px; padding: 2px 4px;
    selection-background-color: {SELECT};
}}
QComboBox QAbstractItemView {{ background: {PANEL}; selection-background-color: {SELECT}; }}
QLineEdit:focus, QSpinBox:focus, QDoubleSpinBox:focus, QComboBox:focus {{ border-color: {SELECT}; }}
QToolButton, QPushButton {{
    background: {PANEL_LIGHT}; border: 1px solid {BORDER}; border-radius: 3px; padding: 3px 8px;
}}
QToolButton:hover, QPushButton:hover {{ border-color: #6a7382; }}
QToolButton:checked {{ background: {SELECT}; border-color: {SELECT}; color: white; }}
QToolButton#mute:checked {{ background: #c9862a; border-color: #c9862a; }}
QToolButton#solo:checked {{ background: #3aa76d; border-color: #3aa76d; }}
QToolButton#play:checked {{ background: #3aa76d; border-color: #3aa76d; }}
QToolButton#record {{ color: #e06060; padding-right: 20px; }}
QToolButton#record::menu-button {{ border: none; border-left: 1px solid {BORDER}; width: 16px; }}
QToolButton#record:checked {{ background: #c94a4a; border-color: #c94a4a; color: white; }}
QFrame#trackRow {{ background: {PANEL}; border: 1px solid {BORDER}; border-radius: 4px; }}
QFrame#trackRow[current="true"] {{ background: {PANEL_LIGHT}; border-color: {ACCENT}; }}
QLabel#position {{ font-family: "DejaVu Sans Mono", monospace; font-size: 12pt; color: {TEXT};
    background: {BG}; border: 1px solid {BORDER}; border-radius: 3px; padding: 1px 8px; }}
QLabel#dim {{ color: {TEXT_DIM}; }}
QCheckBox::indicator:unchecked, QAbstractItemView::indicator:unchecked {{
    width: 12px; height: 12px; background: {BG}; border: 1px solid #6a7382; border-radius: 2px;
}}
QSplitter::handle {{ background: {BORDER}; }}
QScrollBar:horizontal, QScrollBar:vertical {{ background: {BG}; border: none; }}
QScrollBar::handle {{ background: #4a515c; border-radius: 4px; min-height: 24px; min-width: 24px; }}
QScrollBar:vertical {{ width: 12px; }}
QScrollBar:horizontal {{ height: 12px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
QSlider::groove:horizontal {{ height: 4px; background: {BORDER}; border-radius: 2px; }}
QSlider::handle:horizontal {{ background: {TEXT_DIM}; width: 10px; margin: -5px 0; border-radius: 5px; }}
QSlider::sub-page:horizontal {{ background: {SELECT}; border-radius: 2px; }}
QProgressBar {{ background: {BG}; border: 1px solid {BORDER}; border-radius: 3px; text-align: center; height: 12px; }}
QProgressBar::chunk {{ background: {SELECT}; }}
"""


def apply_theme(app: QApplication) -> None:
    """Fusion style, a dark palette and the stylesheet above."""
    app.setStyle("Fusion")
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: BG, QPalette.ColorRole.WindowText: TEXT,
        QPalette.ColorRole.Base: BG, QPalette.ColorRole.AlternateBase: PANEL,
        QPalette.ColorRole.Text: TEXT, QPalette.ColorRole.Button: PANEL_LIGHT,
        QPalette.ColorRole.ButtonText: TEXT, QPalette.ColorRole.Highlight: SELECT,
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: PANEL,
        QPalette.ColorRole.ToolTipText: TEXT, QPalette.ColorRole.PlaceholderText: TEXT_DIM,
        QPalette.ColorRole.Mid: BORDER, QPalette.ColorRole.Dark: "#15171a",
    }
    for role, color in roles.items():
        pal.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(TEXT_DISABLED))
    app.setPalette(pal)
    font = QFont("DejaVu Sans")
    font.setPointSize(10)
    app.setFont(font)
    app.setStyleSheet(STYLESHEET)
