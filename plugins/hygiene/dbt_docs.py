"""What the dbt project says about its models, for the Airflow UI: each model's task shows the
model's description (its YAML), so the data team reads at 3 a.m. what a failing model decides."""

from __future__ import annotations

from pathlib import Path

import yaml


def model_descriptions(project_dir: Path) -> dict[str, str]:
    """Model name -> description, from every models/**/*.yml of the project."""
    descriptions = {}
    for path in sorted((project_dir / "models").rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for model in document.get("models") or ():
            if model.get("description"):
                descriptions[model["name"]] = " ".join(model["description"].split())
    return descriptions
