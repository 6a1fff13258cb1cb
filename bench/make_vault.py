"""A synthetic Obsidian vault of book notes, the same for the same seed and size.

    python bench/make_vault.py 1000 build/bench/vault-1000 [--seed 1] [--note-bytes 8000]
                                                           [--formulas 0] [--diagrams 0]

The vault holds `size` notes on `ceil(size / 10)` invented books, a folder per book: the
book's overview note (named like the seed, "Author - Title (year).md"), then its chapter
notes. Each note is about `note_bytes` of book-note prose with what real notes have:
front matter (author, title, year, pages, so every page number cites its book),
`## sections`, [[wikilinks]] to other notes (some to a `#Heading`) and to concepts that
are no note, `> [!note]` and `> [!question]` callouts, ==highlights==, #tags, **bold**,
lists, an occasional %%comment%%, and page locators "(40)", "(41-42)", "(p. 7)",
"(108, 110)" beside years in parentheses that are not pages, "(1917)". With
`--formulas N`, N TeX formulas are spread over the notes: inline `$…$` in sentences and
display `$$…$$` (fractions, sums, integrals, matrices, cases, aligned), most of them
distinct, some repeated. With `--diagrams N`, N Mermaid flowcharts of the note's sections,
each distinct, between its paragraphs.

Note i is generated from its own random stream (seed, i): the first ten notes of the
1,000-note vault are the 10-note vault but for the links, which point anywhere in the vault.
"""
from __future__ import annotations

import argparse
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

NOTES_PER_BOOK = 10

FIRST_NAMES = ["Ada", "Bruno", "Clara", "Dmitri", "Elena", "Farid", "Greta", "Hugo", "Ines",
               "Jonas", "Keiko", "Louis", "Marta", "Nikolai", "Olga", "Pavel", "Rosa", "Samir",
               "Tomas", "Ursula", "Victor", "Wanda", "Yusuf", "Zofia"]
LAST_NAMES = ["Marlowe", "Kessler", "Okafor", "Lindqvist", "Moreau", "Petrov", "Castellano",
              "Haddad", "Novak", "Brennan", "Sato", "Ferreira", "Adler", "Quist", "Varga",
              "Whitfield", "Duarte", "Ibsen", "Jaramillo", "Kowalski", "Renner", "Tanaka"]
TOPICS = ["Revolution", "Credit", "the Factory", "the Peasantry", "Empire", "the City",
          "Money", "the State", "Labour", "the Railway", "Famine", "the Press", "Reform",
          "the Guilds", "the Frontier", "Debt", "the Harbour", "the Commune", "Markets",
          "the Archive", "Memory", "the Border", "Science", "the Plague", "Tariffs"]
BOOK_PATTERNS = ["A History of {t}", "{t} and Its Discontents", "The Age of {t}",
                 "{t} in Crisis", "The Making of {t}", "Against {t}", "{t}: A Reckoning",
                 "The Long Shadow of {t}", "{t} Reconsidered", "Notes on {t}"]
CONCEPTS = ["surplus value", "hegemony", "primitive accumulation", "the division of labour",
            "class consciousness", "bureaucracy", "permanent revolution", "the commodity",
            "dual power", "the reserve army of labour", "ideology", "reification",
            "uneven development", "the general strike", "the vanguard", "the petty bourgeoisie",
            "state capitalism", "the planned economy", "the rate of profit", "imperialism",
            "the labour aristocracy", "Bonapartism", "the united front", "the popular front",
            "alienation", "the market", "enclosure", "the guild system", "serfdom", "usury",
            "the gold standard", "mercantilism", "the enlightenment", "the public sphere",
            "civil society", "sovereignty", "legitimacy", "the social contract", "patronage",
            "the tax farm", "the census", "literacy", "urbanisation", "the famine of 1891",
            "the crisis of 1873", "the long depression", "the new economic policy",
            "collectivisation", "the five-year plan", "the cold war"]
TAGS = ["economics", "history", "history/modern", "history/early-modern", "politics",
        "theory", "wip", "question", "method", "sources", "debate", "quote"]
SUBJECTS = ["The author", "{last}", "The chapter", "This section", "{last}'s argument",
            "The evidence", "The book", "Here {last}", "In this part, {last}"]
VERBS = ["argues that", "shows that", "claims that", "suggests that", "explains how",
         "describes how", "insists that", "points out that", "reminds us that",
         "demonstrates that", "doubts whether", "asks whether", "concludes that",
         "notes that", "traces how"]
ADJECTIVES = ["old", "new", "decisive", "hidden", "gradual", "violent", "slow", "local",
              "national", "urban", "rural", "material", "political", "economic", "social",
              "temporary", "permanent", "uneven", "official", "informal", "whole",
              "contradictory", "forgotten", "celebrated", "bitter", "cautious", "radical"]
NOUNS = ["workers", "peasants", "merchants", "officials", "landlords", "soldiers", "bankers",
         "clerks", "families", "towns", "villages", "factories", "prices", "wages", "taxes",
         "harvests", "newspapers", "debts", "ministries", "parties", "courts", "schools",
         "railways", "ports", "markets", "councils", "unions", "reforms", "rumours", "records"]
PREDICATES = ["depended on {np} more than anyone admitted",
              "could not survive without {np}",
              "changed faster than {np}",
              "had been shaped by {np} long before {year}",
              "turned against {np} once the crisis came",
              "grew out of {np} rather than out of any plan",
              "only made sense in the light of {np}",
              "left {np} weaker than before",
              "had been paid for by {np}",
              "hid the real weight of {np}",
              "failed where {np} had succeeded",
              "drew strength from {np}"]
CLOSERS = ["This is the crux of the chapter.", "The point is made again later.",
           "It is a striking claim.", "I am not convinced by this.",
           "The numbers are worth checking against other sources.",
           "Compare the argument in the previous chapter.",
           "The reader is left to draw the conclusion.", "This deserves a closer look."]
QUESTIONS = ["Does the evidence really support this?", "Who benefits from this reading?",
             "How does this square with the earlier chapters?",
             "What would a critic of {last} say here?",
             "Is the comparison with {year} a fair one?",
             "Would the argument hold for the countryside too?"]
SECTION_WORDS = ["Origins", "The argument", "Evidence", "Consequences", "Objections",
                 "A turning point", "The numbers", "Reception", "The crisis", "Aftermath",
                 "Context", "A digression", "The sources", "Method", "Comparisons",
                 "Key terms", "Summary", "Open questions"]

INLINE_FORMULAS = [r"x_{{{a}}}^{{{b}}}", r"\frac{{{a}}}{{{b}}}", r"\sqrt{{{a} + x^{b}}}",
                   r"\mathbb{{R}}^{{{a}}}", r"\hat{{x}}_{{{a}}} \le \bar{{y}}_{{{b}}}",
                   r"e^{{{a}i\pi}} = {b}", r"\operatorname{{rank}}(A_{{{a}}}) = {b}"]
DISPLAY_FORMULAS = [
    r"\sum_{{i=1}}^{{{a}}} i^{b} = \frac{{n(n+{b})}}{{{a}}}",
    r"\int_0^{{{a}}} e^{{-{b}x^2}}\,dx",
    "\\begin{{pmatrix}}{a} & {b}\\\\\n{b} & {a}\n\\end{{pmatrix}}",
    "\\begin{{vmatrix}}a & {b}\\\\\nc & {a}\n\\end{{vmatrix}} = {a}a - {b}c",
    "f(x) = \\begin{{cases}}\n{a} & \\text{{if }} x < {b} \\\\\n0 & \\text{{otherwise}}\n"
    "\\end{{cases}}",
    "\\begin{{aligned}}\n(a + {a})^2 &= a^2 + {b}a + {a}^2 \\\\\n"
    "\\lim_{{n \\to \\infty}} x_n &= {b}\n\\end{{aligned}}"]


@dataclass(frozen=True)
class Book:
    index: int
    first: str
    last: str
    title: str
    year: int
    pages: int

    @property
    def author(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def folder(self) -> str:
        return f"{self.last} - {self.title}"


def book(seed: int, index: int) -> Book:
    rng = random.Random(f"{seed}-book-{index}")
    pattern = rng.choice(BOOK_PATTERNS)
    # Surname and year never repeat together below 1,320 books: one citekey per book.
    return Book(index, rng.choice(FIRST_NAMES), LAST_NAMES[index % len(LAST_NAMES)],
                pattern.format(t=rng.choice(TOPICS)) + f", volume {index + 1}",
                1901 + (index * 7) % 120, rng.randint(180, 900))


def note_name(seed: int, i: int) -> str:
    """The file stem of note i: the book overview, or a chapter of it."""
    b, chapter = book(seed, i // NOTES_PER_BOOK), i % NOTES_PER_BOOK
    if chapter == 0:
        return f"{b.last} - {b.title} ({b.year})"
    return f"{b.last} {b.index + 1}.{chapter:02d} - {chapter_title(seed, i)}"


def chapter_title(seed: int, i: int) -> str:
    rng = random.Random(f"{seed}-title-{i}")
    return f"{rng.choice(ADJECTIVES).capitalize()} {rng.choice(NOUNS)} and {rng.choice(TOPICS)}"


def section_titles(seed: int, i: int) -> list[str]:
    """The ## headings of note i (other notes link to them as [[Note#Heading]])."""
    rng = random.Random(f"{seed}-sections-{i}")
    return rng.sample(SECTION_WORDS, 6)


def note_path(seed: int, i: int) -> Path:
    return Path(book(seed, i // NOTES_PER_BOOK).folder) / f"{note_name(seed, i)}.md"


class Writer:
    """The prose of one note, from its own random stream."""

    def __init__(self, seed: int, i: int, size: int, formulas: int = 0, diagrams: int = 0):
        self.seed, self.i, self.size, self.formulas = seed, i, size, formulas
        self.diagrams = diagrams
        self.rng = random.Random(f"{seed}-note-{i}")
        self.book = book(seed, i // NOTES_PER_BOOK)
        chapter = i % NOTES_PER_BOOK
        span = self.book.pages // NOTES_PER_BOOK
        self.page = 1 + chapter * span  # page locators advance through the chapter

    def np(self) -> str:
        """A noun phrase, sometimes a concept link, a link to a note, or highlighted."""
        r = self.rng.random()
        if r < 0.12:
            concept = self.rng.choice(CONCEPTS)
            if self.rng.random() < 0.3:
                return f"[[{concept.capitalize()}|{concept}]]"
            return f"[[{concept}]]"
        if r < 0.17:
            return self.note_link()
        phrase = f"the {self.rng.choice(ADJECTIVES)} {self.rng.choice(NOUNS)}"
        if r < 0.22:
            return f"=={phrase}=="
        if r < 0.25:
            return f"**{phrase}**"
        if r < 0.28:
            return f"*{phrase}*"
        return phrase

    def note_link(self) -> str:
        """[[Note]], [[Note|alias]] or [[Note#Heading]] to another note of the vault."""
        j = self.rng.randrange(self.size)
        name = note_name(self.seed, j)
        r = self.rng.random()
        if r < 0.2:
            return f"[[{name}#{self.rng.choice(section_titles(self.seed, j))}]]"
        if r < 0.5:
            return f"[[{name}|{self.rng.choice(['this chapter', 'there', 'the same point'])}]]"
        return f"[[{name}]]"

    def locator(self) -> str:
        r = self.rng.random()
        self.page += self.rng.randint(0, 3)
        page = self.page
        if r < 0.6:
            return f"({page})"
        if r < 0.8:
            return f"({page}-{page + self.rng.randint(1, 3)})"
        if r < 0.9:
            return f"(p. {page})"
        return f"({page}, {page + self.rng.randint(2, 9)})"

    def sentence(self) -> str:
        subject = self.rng.choice(SUBJECTS).format(last=self.book.last)
        year = self.rng.randint(1600, 1990)
        predicate = self.rng.choice(PREDICATES).format(np=self.np(), year=year)
        text = f"{subject} {self.rng.choice(VERBS)} {self.np()} {predicate}"
        r = self.rng.random()
        if r < 0.08:
            text += f", as early as ({year})"
        if r > 0.5:
            text += " " + self.locator()
        if self.rng.random() < 0.06:
            text += f" #{self.rng.choice(TAGS)}"
        text += "."
        if self.rng.random() < 0.1:
            text += " " + self.rng.choice(CLOSERS)
        if self.rng.random() < 0.02:
            text += f" %%check this against the {self.rng.choice(NOUNS)}%%"
        return text

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(3, 6)))

    def formula(self, display: bool) -> str:
        """A formula, its numbers from few enough that some repeat."""
        pattern = self.rng.choice(DISPLAY_FORMULAS if display else INLINE_FORMULAS)
        tex = pattern.format(a=self.rng.randint(1, 30), b=self.rng.randint(2, 9))
        return f"$$\n{tex}\n$$" if display else f"${tex}$"

    def with_formulas(self, parts: list[str]) -> list[str]:
        """`parts` with the note's formulas: a third display, between the paragraphs, the
        others inline, at the end of a paragraph's sentence."""
        for n in range(self.formulas):
            at = self.rng.randrange(1, len(parts) + 1)
            if n % 3 == 0:
                parts.insert(at, self.formula(display=True))
            else:
                at = next((k for k in range(at - 1, -1, -1) if not parts[k].startswith(
                    ("#", ">", "-", "$$"))), 0)
                parts[at] += f" As a formula, {self.formula(display=False)}."
        return parts

    def diagram(self, n: int) -> str:
        """A flowchart of a few of the note's section titles, distinct for each note and n."""
        titles = section_titles(self.seed, self.i)
        steps = [titles[(n + k) % len(titles)] for k in range(self.rng.randint(3, 6))]
        edges = [f"    S{k}[\"{a}\"] --> S{k + 1}[\"{b}\"]"
                 for k, (a, b) in enumerate(zip(steps, steps[1:], strict=False))]
        return "\n".join(["```mermaid", f"graph {self.rng.choice(['TD', 'LR'])}", *edges,
                          f"    %% note {self.i}, diagram {n}", "```"])

    def with_diagrams(self, parts: list[str]) -> list[str]:
        for n in range(self.diagrams):
            parts.insert(self.rng.randrange(1, len(parts) + 1), self.diagram(n))
        return parts

    def callout(self) -> str:
        if self.rng.random() < 0.5:
            title = self.rng.choice(["Key idea", "Definition", "Aside", ""])
            return f"> [!note] {title}".rstrip() + f"\n> {self.sentence()} {self.sentence()}"
        question = self.rng.choice(QUESTIONS).format(last=self.book.last,
                                                     year=self.rng.randint(1800, 1990))
        return f"> [!question] {question}\n> {self.sentence()}"

    def bullets(self) -> str:
        return "\n".join(f"- {self.sentence()}" for _ in range(self.rng.randint(2, 4)))

    def body(self, target_bytes: int) -> str:
        sections = section_titles(self.seed, self.i)
        parts = [self.paragraph()]
        for heading in sections:
            parts.append(f"## {heading}")
            parts.append(self.paragraph())
            extra = self.rng.random()
            if extra < 0.35:
                parts.append(self.callout())
            elif extra < 0.55:
                parts.append(self.bullets())
            parts.append(self.paragraph())
            if len("\n\n".join(parts).encode()) > target_bytes:
                break
        while len("\n\n".join(parts).encode()) < target_bytes:
            parts.append(self.paragraph())
        return "\n\n".join(self.with_diagrams(self.with_formulas(parts))) + "\n"


def note_text(seed: int, i: int, size: int, note_bytes: int, formulas: int = 0,
              diagrams: int = 0) -> str:
    b = book(seed, i // NOTES_PER_BOOK)
    chapter = i % NOTES_PER_BOOK
    title = (f"{b.title} ({b.year})" if chapter == 0
             else f"{chapter}. {chapter_title(seed, i)}")
    # `order` keeps the book's note before its chapters: the first note of a book names
    # the reference citeproc prints.
    front = (f"---\ntitle: \"{title}\"\nauthor: {b.author}\nyear: {b.year}\n"
             f"pages: {b.pages}\norder: {i + 1}\n---\n")
    return front + f"# {title}\n\n" + Writer(seed, i, size, formulas, diagrams).body(
        note_bytes - len(front))


def make_vault(size: int, folder: Path, seed: int = 1, note_bytes: int = 8000,
               formulas: int = 0, diagrams: int = 0) -> Path:
    """Write the vault (replacing the folder), `formulas` formulas and `diagrams` Mermaid
    diagrams in all; returns the folder."""
    if folder.exists():
        shutil.rmtree(folder)
    for i in range(size):
        path = folder / note_path(seed, i)
        path.parent.mkdir(parents=True, exist_ok=True)
        own = formulas // size + (i < formulas % size)
        drawn = diagrams // size + (i < diagrams % size)
        path.write_text(note_text(seed, i, size, note_bytes, own, drawn), encoding="utf-8")
    (folder / "exporter.toml").write_text(
        f'title = "Synthetic vault, {size} notes"\nauthor = "bench/make_vault.py"\n',
        encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=int, help="number of notes")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--note-bytes", type=int, default=8000)
    parser.add_argument("--formulas", type=int, default=0, help="TeX formulas in all")
    parser.add_argument("--diagrams", type=int, default=0, help="Mermaid diagrams in all")
    args = parser.parse_args()
    make_vault(args.size, args.folder, args.seed, args.note_bytes, args.formulas, args.diagrams)
    total = sum(p.stat().st_size for p in args.folder.rglob("*.md"))
    print(f"{args.folder}: {args.size} notes, {total / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
