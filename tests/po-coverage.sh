#!/bin/sh
# The German catalogue covers every string the program can show (issue 14): the strings of po/POTFILES.in, gathered
# as meson's glib preset gathers them, merged into po/de.po: none may be untranslated or fuzzy.
# Usage: po-coverage.sh SOURCE_ROOT
set -eu
root=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
grep -v '^#' po/POTFILES.in | grep . > "$work/files"
xgettext --from-code=UTF-8 --add-comments --files-from="$work/files" -o "$work/sightread.pot" \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 \
  --keyword=g_dpgettext2:2c,3 --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format --flag=g_string_printf:2:c-format \
  --flag=g_string_append_printf:2:c-format --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format
msgmerge --quiet --no-fuzzy-matching po/de.po "$work/sightread.pot" -o "$work/de.po"
missing=$(msgattrib --untranslated --no-obsolete "$work/de.po" | grep -c '^msgid ' || true)
fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$work/de.po" | grep -c '^msgid ' || true)
# msgattrib prints the header entry (msgid "") with any other entry it keeps
[ "$missing" -gt 0 ] && missing=$((missing - 1))
[ "$fuzzy" -gt 0 ] && fuzzy=$((fuzzy - 1))
echo "1..1"
if [ "$missing" -eq 0 ] && [ "$fuzzy" -eq 0 ]; then
  echo "ok 1 - po/de.po translates all $(grep -c '^msgid ' "$work/sightread.pot") strings of po/POTFILES.in"
else
  echo "not ok 1 - po/de.po: $missing strings untranslated, $fuzzy fuzzy:"
  msgattrib --untranslated --no-obsolete --no-wrap "$work/de.po" | grep '^msgid ' | tail -n +2 | sed 's/^/# /'
  exit 1
fi
