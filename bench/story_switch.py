"""Branch switches read back from the screen: a frame-coded film (keyframes at every segment
start) plays segment after segment, jumping forward at each segment's end as a story branch
does; a thread reads the frame code on screen every ~2 ms. Three ways to switch, in the
same run, at 25, 30 and 60 fps:

- ``set_media/play``: the naive switch, the next segment opened in the same player;
- ``seek``: one player, a precise seek to the next segment's start;
- ``deck``: the next segment pre-rolled paused in a second player, raised at the switch
  (``ui/player/deck.py``, what stories use).

The switch error of one switch, in frames, is the worst of: the offset between the two
segments' on-screen timelines (a gap or a held frame, or frames skipped), the last frame
before or the first after never shown, anything else shown between (black). Target: ≤ 1.
"steady playback" counts the switches around which playback itself showed every frame on
time: on a busy machine the others measure the machine more than the switch. The audio
goes to libVLC's audio callbacks (``ui/player/audio_tap.py``) instead of a sound card:
every block with its play time, on the clock the screen samples use. A "jump" is the
step a player starting or stopping puts in the sound (0: faded, 1: cut at the wave's top).
Needs a display (``make bench`` provides Xvfb). ``STORY_SWITCHES=N`` changes the count.
"""

from __future__ import annotations

import os

from bench.common import median, scratch, table
from tests.support.switching import METHODS, AudioAtSwitch, make_media, run_switches

FPS = (25, 30, 60)


def main() -> None:
    os.environ.setdefault("MOMENTS_VLC_ARGS", "--aout=adummy")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])  # noqa: F841 - kept alive
    switches = max(2, int(os.environ.get("STORY_SWITCHES", "21")))
    folder = scratch("story-switch")
    rows = []
    sound = []
    ratios = []
    for fps in FPS:
        media = make_media(folder, fps, switches + 2)
        medians = {}
        for method in METHODS:
            audio: list[AudioAtSwitch] = []
            results = run_switches(method, media, fps, switches, audio=audio)
            errors = [r.error if r is not None else float("inf") for r in results]
            good = sorted(errors)
            medians[method] = median(good)
            within = sum(1 for e in errors if e <= 1.0)
            steady = sum(1 for r in results if r is not None and r.steady)
            rows.append([fps, method, median(good), max(good), f"{within}/{len(errors)}", steady])
            silent = [a.silent_ms for a in audio]
            doubled = [a.doubled_ms for a in audio]
            jump = [a.jump for a in audio]
            spread = [median(silent), max(silent), median(doubled), max(doubled)]
            sound.append([fps, method, *spread, median(jump), max(jump)])
        ratios.append(medians["deck"] / max(1e-9, medians["set_media/play"]))
    table(
        "Branch switch error on screen (frames; target <= 1)",
        ["fps", "switch", "median", "worst", "<= 1 frame", "steady playback"],
        rows,
    )
    table(
        "Audio at the switch (ms; silence: longest with no sound, doubled: both players; "
        "jump: a sound starting or stopping, in the tone's peak: a click)",
        ["fps", "switch", "silence median", "worst", "doubled median", "worst", "jump", "worst"],
        sound,
    )
    print(
        "  ratio median switch error deck/set_media+play: "
        + ", ".join(f"{fps} fps {r:.3f}" for fps, r in zip(FPS, ratios, strict=True))
    )


if __name__ == "__main__":
    main()
