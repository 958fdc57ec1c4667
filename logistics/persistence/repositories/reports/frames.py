"""Run a report query and hand its rows over as a DataFrame."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Select
from sqlalchemy.orm import Session


def query_frame(session: Session, query: Select[tuple[object, ...]]) -> pd.DataFrame:
    """The query's rows as a DataFrame with the query's column names (empty frames keep them)."""
    result = session.execute(query)
    columns = list(result.keys())
    return pd.DataFrame.from_records([tuple(row) for row in result.all()], columns=columns)
