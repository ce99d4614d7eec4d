% The bundled sound sample's notes: the sample score (minuet-in-g.ly) as MIDI, its repeats not unfolded.
% make-sample.sh plays it with FluidSynth and keeps the first 30 s (20 bars) as minuet-in-g.flac.
\version "2.24.0"
\include "minuet-in-g.ly"

\score {
  \new PianoStaff <<
    \new Staff = "upper" \upper
    \new Staff = "lower" \lower
  >>
  \midi { }
}
