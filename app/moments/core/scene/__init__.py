"""Scene intelligence, the pure half: the signals one analysis pass yields
(``signals.py``), the shot changes they show (``transitions.py``), where a Moment's ends go
(``snapping.py``) and which moments to suggest (``suggestions.py``). Numpy, no processes,
no Qt; ``moments.media.analysis`` makes the signals."""
