"""Draw the integration's brand images: a battery glyph with a rotation arc.

Run with `scripts/lib/run-python scripts/make_brand_images.py`; it rewrites the PNG files in
custom_components/marstek_rotation/brand/. Drawn at 4x and scaled down for smooth edges.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BRAND_DIR = Path(__file__).resolve().parent.parent / "custom_components/marstek_rotation/brand"
SUPERSAMPLE = 4
BODY = (30, 41, 59, 255)  # slate
CHARGE = (16, 185, 129, 255)  # emerald
ARC = (59, 130, 246, 255)  # blue


def draw_glyph(size: int) -> Image.Image:
    """Return a square RGBA battery glyph of `size` pixels."""
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    unit = big / 16

    # Rotation arc around the battery: the product rotates which battery is active.
    margin = unit * 0.6
    arc_width = round(unit * 0.9)
    draw.arc((margin, margin, big - margin, big - margin), 200, 340, fill=ARC, width=arc_width)
    draw.arc((margin, margin, big - margin, big - margin), 20, 160, fill=ARC, width=arc_width)
    stroke_centre = margin + arc_width / 2
    for x, tip_y, direction in ((big - stroke_centre, big / 2, 1), (stroke_centre, big / 2, -1)):
        tip = unit * 1.1
        draw.polygon(
            [
                (x - tip, tip_y - direction * tip * 0.2),
                (x + tip, tip_y - direction * tip * 0.2),
                (x, tip_y + direction * tip),
            ],
            fill=ARC,
        )

    # Battery body with terminal, upright.
    left, right = unit * 5, unit * 11
    top, bottom = unit * 3.6, unit * 13.4
    outline = round(unit * 0.7)
    draw.rounded_rectangle(
        (unit * 7, unit * 2.6, unit * 9, top + outline), radius=unit * 0.3, fill=BODY
    )
    draw.rounded_rectangle(
        (left, top, right, bottom), radius=unit * 0.9, outline=BODY, width=outline
    )

    # Three charge bars.
    inner_left, inner_right = left + outline * 1.8, right - outline * 1.8
    bar_height = (bottom - top - outline * 2 - unit * 1.6) / 3
    y = bottom - outline - unit * 0.5
    for _ in range(3):
        draw.rounded_rectangle(
            (inner_left, y - bar_height, inner_right, y), radius=unit * 0.25, fill=CHARGE
        )
        y -= bar_height + unit * 0.4
    return image.resize((size, size), Image.Resampling.LANCZOS)


def draw_logo(height: int) -> Image.Image:
    """Return the logo: the glyph followed by the product name."""
    glyph = draw_glyph(height)
    font = ImageFont.load_default(size=round(height * 0.32))
    text = "Marstek Rotation"
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    left, top, right, bottom = probe.textbbox((0, 0), text, font=font)
    width = height + round(height * 0.15) + (right - left)
    logo = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    logo.paste(glyph, (0, 0), glyph)
    draw = ImageDraw.Draw(logo)
    text_y = (height - (bottom - top)) / 2 - top
    draw.text((height + round(height * 0.15), text_y), text, font=font, fill=BODY)
    return logo


def main() -> None:
    """Write icon, icon@2x, logo and logo@2x."""
    BRAND_DIR.mkdir(parents=True, exist_ok=True)
    draw_glyph(256).save(BRAND_DIR / "icon.png", optimize=True)
    draw_glyph(512).save(BRAND_DIR / "icon@2x.png", optimize=True)
    draw_logo(256).save(BRAND_DIR / "logo.png", optimize=True)
    draw_logo(512).save(BRAND_DIR / "logo@2x.png", optimize=True)


if __name__ == "__main__":
    main()
