#!/usr/bin/env python3
"""Writes data/words.csv: a fixed, seeded sample of French and Spanish words.

Source: Debian's word lists /usr/share/dict/french (package wfrench) and
/usr/share/dict/spanish (package wspanish); install them with
`apt-get install -y wfrench wspanish`. See data/SOURCES.md for versions and licences.

Every word is lower-cased (Unicode, NFC as in the lists); duplicates within a language
after lower-casing are kept once. Words with a hyphen, full stop, apostrophe or space
(French compounds such as "abat-jour" and abbreviations such as "ac.") are dropped:
no Spanish word has them, so they would tell the language by punctuation alone.
A word found in both lists is kept in both languages (one row each): such words
bound the best error any classifier can reach.

Then PER_LANGUAGE words of each language are drawn with Python's random.Random(SEED)
(sample of the sorted list), and written sorted by (language, word), one
`word,language` row each, after the header. Usage:

    python3 scripts/make-words.py [--per-language 20000] [--out data/words.csv]
"""
import argparse
import random
import unicodedata

SEED = 20261201
SOURCES = {"french": "/usr/share/dict/french", "spanish": "/usr/share/dict/spanish"}


def words(path):
    out = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            w = unicodedata.normalize("NFC", line.strip().lower())
            if w and w.isalpha():
                out.add(w)
    return sorted(out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--per-language", type=int, default=20000)
    p.add_argument("--out", default="data/words.csv")
    a = p.parse_args()
    rows = []
    for language, path in SOURCES.items():
        all_words = words(path)
        rng = random.Random(f"{SEED}/{language}")
        chosen = rng.sample(all_words, a.per_language)
        rows += [(w, language) for w in sorted(chosen)]
        print(f"{language}: {len(all_words)} letter-only words in {path}, {a.per_language} drawn")
    shared = {w for w, l in rows if l == "french"} & {w for w, l in rows if l == "spanish"}
    print(f"{len(shared)} words drawn in both languages")
    with open(a.out, "w", encoding="utf-8", newline="\n") as f:
        f.write("word,language\n")
        for w, l in rows:
            f.write(f"{w},{l}\n")


if __name__ == "__main__":
    main()
