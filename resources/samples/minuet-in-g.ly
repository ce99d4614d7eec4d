% Minuet in G major, BWV Anh. 114 (Christian Petzold, from the Notebook for
% Anna Magdalena Bach, 1725). Public domain music, encoded by hand by the
% Sightread project as its bundled sample score. The left hand follows the
% common teaching editions; pitches are absolute (c = the C below middle C).
%
% Regenerate the PDF and PNG with ./make-sample.sh (needs Debian's lilypond).
\version "2.24.0"

\header {
  title = "Minuet in G"
  subtitle = "from the Notebook for Anna Magdalena Bach (1725)"
  composer = "Christian Petzold (1677–1733)"
  opus = "BWV Anh. 114"
  tagline = "Encoded and engraved for Sightread — public domain"
}

\paper {
  #(set-paper-size "a4")
}

global = {
  \key g \major
  \time 3/4
  \tempo "Allegretto" 4 = 120
}

upper = \relative c'' {
  \global
  \clef treble
  \repeat volta 2 {
    d4\mp g,8( a b c) | d4 g, g | e'4 c8( d e fis) | g4 g, g |
    c4 d8( c b a) | b4 c8( b a g) | fis4 g8( a b g) | a2. |
    d4 g,8( a b c) | d4 g, g | e'4 c8( d e fis) | g4 g, g |
    c4 d8( c b a) | b4 c8( b a g) | a4 b8( a g fis) | g2. |
  }
  \repeat volta 2 {
    b'4\mf g8( a b g) | a4 d,8( e fis d) | g4 e8( fis g d) | cis4 b8( cis) a4 |
    a8( b cis d e fis) | g4 fis e | fis4 a, cis | d2. |
    d4\p g,8( fis) g4 | e'4 g,8( fis) g4 | d'4 c b | a8( g fis g) a4 |
    d,8( e fis g a b) | c4 b a | b8( d) g,4 fis | g2. |
  }
}

lower = {
  \global
  \clef bass
  \repeat volta 2 {
    <g b d'>2 a4 | b2. | c'2. | b2. |
    a2. | g2. | d'4 b g | d'4 d8( c' b a) |
    b2 a4 | g4 b g | c'2. | b4 c'8( b a g) |
    a2 fis4 | g2 b4 | c'4 d' d | g2 g,4 |
  }
  \repeat volta 2 {
    g2. | fis2. | e2 g4 | a2. |
    a2. | b4 d' cis' | d'4 fis a | d'4 d c' |
    b2. | c'2. | b4 a g | d'4 d fis |
    b2. | e4 g fis | g4 d d | g,2. |
  }
}

\score {
  \new PianoStaff \with { instrumentName = "Piano" } <<
    \new Staff = "upper" \upper
    \new Staff = "lower" \lower
  >>
  \layout { }
}
