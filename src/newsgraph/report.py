"""The text report: an article's record as a person reads it in a terminal."""

from __future__ import annotations

import textwrap

from .article import Article, Entity, Quote

WIDTH = 100
QUOTE_MARKS = "\"“”„«»‘’'"


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(" ".join(text.split()), width=WIDTH, initial_indent=indent, subsequent_indent=indent)


def _role(entity: Entity | None) -> str:
    if entity is None or not entity.roles:
        return ""
    return "; ".join(r.role + (f" ({r.of})" if r.of else "") for r in entity.roles)


def _speaker_key(quote: Quote, entities: dict[str, Entity]) -> tuple[str, str]:
    speaker = quote.speaker
    if speaker is None:
        return ("", "(no source named)")
    if speaker.entity and speaker.entity in entities:
        return (speaker.entity, entities[speaker.entity].name)
    return ("", speaker.name or "(unnamed source)")


def render_text(article: Article) -> str:
    """Title and date; each source with their role and what they said; places; dates; numbers."""
    lines: list[str] = []
    if article.error:
        return f"{article.source}\n  ERROR: {article.error}\n"
    title = article.title or article.text.strip().split("\n", 1)[0][:WIDTH]
    lines.append(title)
    meta = [m for m in (article.published, article.language, article.source) if m]
    lines.append("  " + " · ".join(meta) if meta else "")
    lines.append("")

    entities = {e.id: e for e in article.entities}
    by_source: dict[tuple[str, str], list[Quote]] = {}
    for q in article.quotes:
        by_source.setdefault(_speaker_key(q, entities), []).append(q)
    lines.append(f"SOURCES ({len(by_source)}, {len(article.quotes)} quotes)")
    for (entity_id, name), quotes in by_source.items():
        role = _role(entities.get(entity_id))
        lines.append(f"  {name}" + (f" — {role}" if role else ""))
        for q in quotes:
            cue = f" [{q.cue.text}]" if q.cue else ""
            text = q.text if q.text[:1] in QUOTE_MARKS else f"“{q.text}”"
            lines.append(_wrap(f"{q.kind}{cue}: {text}", "      "))
    lines.append("")

    people = [e for e in article.entities if e.type in ("PERSON", "ORG", "NORP")]
    if people:
        lines.append(f"PEOPLE AND ORGANISATIONS ({len(people)})")
        for e in people:
            aliases = [a for a in e.aliases if a != e.name]
            extra = f" (also: {', '.join(aliases)})" if aliases else ""
            role = _role(e)
            lines.append(f"  {e.name} [{e.type}] ×{len(e.mentions)}{extra}" + (f" — {role}" if role else ""))
        lines.append("")

    if article.places:
        seen: dict[str, int] = {}
        first: dict[str, str] = {}
        for p in article.places:
            key = str(p.geonames_id or p.name)
            seen[key] = seen.get(key, 0) + 1
            if key not in first:
                where = (
                    f"{p.lat:.2f}, {p.lon:.2f}"
                    if p.lat is not None and p.lon is not None
                    else "no coordinates"
                )
                first[key] = f"  {p.name} ({p.kind}, {p.country or '?'}) {where}"
        lines.append(f"PLACES ({len(first)})")
        lines.extend(f"{line} ×{seen[k]}" for k, line in first.items())
        lines.append("")

    # "now", "recently": TIMEX3 references to the present or past, in the record but no calendar date.
    calendar = [d for d in article.dates if not (d.value or "").endswith("_REF")]
    if calendar:
        lines.append(f"DATES ({len(calendar)})")
        for d in calendar:
            value = d.value or "?"
            if d.end_value:
                value += f" – {d.end_value}"
            lines.append(f"  {d.relation:<6} {value:<24} “{d.text}”")
        lines.append("")

    lines.append(f"NUMBERS ({len(article.claims)})")
    for c in article.claims:
        qualifier = f"{c.qualifier.replace('_', ' ')} " if c.qualifier else ""
        value = "?" if c.value is None else f"{c.value:,}" if isinstance(c.value, int) else f"{c.value:,g}"
        source = entities[c.source_entity].name if c.source_entity in entities else "the article"
        where = f" · {article.places[c.place].name}" if c.place is not None else ""
        when = f" · {article.dates[c.date].value}" if c.date is not None else ""
        lines.append(f"  {qualifier}{value} {c.unit or ''}{where}{when} — {source}: “{c.text}”")
    if not article.claims:
        lines.append("  (none found)")
    lines.append("")
    lines.append(f"EVENTS ({len(article.events)})")
    for v in article.events:
        who = ", ".join(entities[p].name for p in v.participants if p in entities) or "(no one named)"
        where = f" · {article.places[v.place].name}" if v.place is not None else ""
        date = article.dates[v.date] if v.date is not None else None
        when = ""
        if date is not None and date.value:
            when = f" · {date.value}" + (f" – {date.end_value}" if date.end_value else "")
        lines.append(f"  {v.type:<12} {who}{where}{when}")
    if not article.events:
        lines.append("  (none found)")
    lines.append("")
    lines.append(f"PREDICTIONS ({len(article.predictions)})")
    for pr in article.predictions:
        speaker = entities[pr.speaker].name if pr.speaker in entities else "(unnamed)"
        lines.append(_wrap(f"{pr.stance or '?'}: {speaker}: “{pr.text}”", "  "))
    if not article.predictions:
        lines.append("  (none found)")
    return "\n".join(lines)
