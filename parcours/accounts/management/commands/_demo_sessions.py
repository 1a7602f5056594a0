"""Blended sessions for the demo: a short in-person programme with past sessions whose
attendance sheets are signed, today's session, and future ones, one full with a
waiting list.

Everything goes through the classroom services except what they rightly refuse after
the fact: registering in a session that has started and signing a half-day that is
over. For the past sessions those two are written here, in the one demo-only helper
`_history`, the way the services would have written them at the time: signatures
chained with `parcours.classroom.signing.hash_of` (so `manage.py verify_attendance`
finds nothing wrong), and the same `registered` and `signed` learning events.
"""

import base64
import io
import math
import random


def drawn_signature(seed: int, *, width: int = 600, height: int = 200) -> str:
    """A handwritten-looking signature as the signing pad sends it: a PNG data URL of
    dark blue loops on a transparent background, different for each seed."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)  # noqa: S311 (a drawing, not a secret)
    scale = 2  # drawn twice as big, then reduced: smooth edges, as a canvas draws them
    mask = Image.new("L", (width * scale, height * scale), 0)
    pen = ImageDraw.Draw(mask)
    x = width * rng.uniform(0.06, 0.12)
    for _stroke in range(rng.randint(2, 3)):
        length = width * rng.uniform(0.22, 0.36)
        big, small = rng.uniform(0.09, 0.2) * height, rng.uniform(0.03, 0.08) * height
        slow, fast = rng.uniform(0.025, 0.05), rng.uniform(0.12, 0.2)
        phase, loop = rng.uniform(0, math.tau), rng.uniform(0.03, 0.07) * height
        points = []
        for step in range(int(length)):
            turn = step * fast + phase
            points.append(((x + step + loop * math.cos(turn)) * scale,
                           (height / 2 + big * math.sin(step * slow + phase)
                            + (small + loop) * math.sin(turn)) * scale))
        pen.line(points, fill=255, width=3 * scale, joint="curve")
        x += length + rng.uniform(8, 24)
    underline = height * rng.uniform(0.72, 0.82)
    pen.line([(width * 0.1 * scale, underline * scale),
              (min(x, width * 0.92) * scale, (underline - rng.uniform(4, 12)) * scale)],
             fill=255, width=2 * scale)
    picture = Image.new("RGBA", (width, height), (23, 37, 84, 0))
    picture.putalpha(mask.resize((width, height), Image.LANCZOS))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
