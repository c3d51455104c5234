"""Reading and checking a directory of Open Civic Data JSON, as pupa and Oversight write it:
one object per file, named ``<type>_<anything>.json``.

``read_directory`` parses every file, validates each object against its JSON Schema and
checks the references between files, collecting every problem with the file and the JSON
path it concerns, so one run reports all of them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import fastjsonschema
from jsonschema import Draft202012Validator

from .formats import FORMATS, is_pseudo_id
from .ids import SCHEMA_DIR

# The object types Oversight reads, in the order an import needs them.
TYPES = ("organization", "post", "person", "membership")
OCD_PREFIX = {"organization": "ocd-organization/", "person": "ocd-person/"}
# (type, field) -> the type of object that field refers to.
REFERENCES = {
    ("organization", "parent_id"): "organization",
    ("post", "organization_id"): "organization",
    ("membership", "person_id"): "person",
    ("membership", "organization_id"): "organization",
    ("membership", "post_id"): "post",
    ("membership", "on_behalf_of_id"): "organization",
}


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    where: str          # a JSON path ($.identifiers[0].scheme) or a line and column
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.message}"


@dataclass
class OcdObject:
    type: str
    file: str
    data: dict

    @property
    def id(self) -> str | None:
        return self.data.get("_id")


@dataclass
class OcdDirectory:
    path: Path
    objects: list[OcdObject] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)   # JSON files of types Oversight does not read

    def of_type(self, type_: str) -> list[OcdObject]:
        return [obj for obj in self.objects if obj.type == type_]


def json_path(parts) -> str:
    text = "$"
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.isidentifier():
            text += f".{part}"
        else:
            text += f"[{json.dumps(part)}]"
    return text


def _inline_refs(node, schema: dict, by_id: dict[str, dict]):
    """``node`` with every ``$ref`` replaced by what it points at. Looking references up
    while validating took most of the time of an export; the schemas have no cycles."""
    if isinstance(node, list):
        return [_inline_refs(item, schema, by_id) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        base, _, pointer = node["$ref"].partition("#")
        target_schema = by_id[base] if base else schema
        target = target_schema
        for part in pointer.strip("/").split("/"):
            target = target[part]
        return _inline_refs(target, target_schema, by_id)
    return {key: _inline_refs(value, schema, by_id) for key, value in node.items()}


@lru_cache(maxsize=1)
def _validators() -> dict[str, Draft202012Validator]:
    schemas = [json.loads(path.read_text()) for path in SCHEMA_DIR.glob("*.json")]
    by_id = {schema["$id"]: schema for schema in schemas}
    return {
        type_: Draft202012Validator(_inline_refs(by_id[f"urn:oversight:ocd:{type_}"], by_id[f"urn:oversight:ocd:{type_}"], by_id),
                                    format_checker=FORMATS)
        for type_ in TYPES
    }


def _message(error) -> str:
    # A failed pattern or format is clearer as what was expected than as a regex.
    expected = error.schema.get("description") if isinstance(error.schema, dict) else None
    if error.validator in ("pattern", "format"):
        if error.cause is not None:
            return str(error.cause)
        if expected:
            return f"{error.instance!r} is not {expected}"
    return error.message


@lru_cache(maxsize=1)
def _quick_checks() -> dict[str, object]:
    """The same schemas compiled to Python, which only say yes or no but say it ten times
    faster: most files are valid, and only the others need jsonschema's full account."""
    formats = {name: (lambda value, name=name: FORMATS.conforms(value, name)) for name in FORMATS.checkers}
    return {type_: fastjsonschema.compile(validator.schema, formats=formats)
            for type_, validator in _validators().items()}


def schema_problems(type_: str, file: str, data) -> list[Problem]:
    """Every way ``data`` breaks the schema of ``type_``, in document order."""
    try:
        _quick_checks()[type_](data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    errors = sorted(_validators()[type_].iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    return [Problem(file, json_path(e.absolute_path), _message(e)) for e in errors]


def type_of_file(name: str) -> str | None:
    prefix, sep, _ = name.partition("_")
    return prefix if sep and prefix in TYPES else None


def read_directory(path: str | Path) -> OcdDirectory:
    directory = OcdDirectory(Path(path))
    if not directory.path.is_dir():
        directory.problems.append(Problem(str(path), "$", "is not a directory"))
        return directory
    for file in sorted(directory.path.glob("*.json")):
        type_ = type_of_file(file.name)
        if type_ is None:
            directory.skipped.append(file.name)
            continue
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except UnicodeDecodeError as exc:
            directory.problems.append(Problem(file.name, f"byte {exc.start}", "is not UTF-8 text"))
            continue
        except json.JSONDecodeError as exc:
            directory.problems.append(
                Problem(file.name, f"line {exc.lineno} column {exc.colno}", f"not JSON: {exc.msg}"))
            continue
        directory.problems.extend(schema_problems(type_, file.name, data))
        if isinstance(data, dict):
            directory.objects.append(OcdObject(type_, file.name, data))
    if not directory.objects and not directory.problems:
        directory.problems.append(Problem(
            str(path), "$", "holds no Open Civic Data files (organization_*.json, person_*.json, ...)"))
    directory.problems.extend(_reference_problems(directory.objects))
    directory.problems.sort(key=lambda problem: problem.file)  # stable: a file's problems stay in order
    return directory


def _reference_problems(objects: list[OcdObject]) -> list[Problem]:
    """Duplicate ids, OCD ids of the wrong type, and references to ids that are neither in
    the directory nor OCD ids (which may name an object already in the database)."""
    problems = []
    owners: dict[str, OcdObject] = {}
    for obj in objects:
        if not isinstance(obj.id, str):
            continue
        if obj.id in owners:
            problems.append(Problem(obj.file, "$._id", f"{obj.id} is also the _id of {owners[obj.id].file}"))
        else:
            owners[obj.id] = obj
        prefix = OCD_PREFIX.get(obj.type)
        if obj.id.startswith("ocd-") and prefix and not obj.id.startswith(prefix):
            problems.append(Problem(obj.file, "$._id", f"{obj.type} files need an {prefix}<uuid> id, not {obj.id}"))
    for obj in objects:
        for (type_, name), target in REFERENCES.items():
            value = obj.data.get(name) if obj.type == type_ else None
            if not isinstance(value, str) or is_pseudo_id(value):
                continue
            owner = owners.get(value)
            if owner is not None:
                if owner.type != target:
                    problems.append(Problem(obj.file, f"$.{name}",
                                            f"{value} is the _id of {owner.file}, which is not a {target}"))
            elif not value.startswith(OCD_PREFIX.get(target, "\0")):
                problems.append(Problem(obj.file, f"$.{name}", f"no {target} in this directory has the _id {value}"))
    return problems
