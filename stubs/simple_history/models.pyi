from typing import Any

class HistoricalRecords:
    def __init__(self, **kwargs: Any) -> None: ...
    def __get__(self, instance: object, owner: type[object]) -> Any: ...

class HistoricalChanges: ...

ModelChangeValue = Any

class ModelChange:
    field: str
    old: ModelChangeValue
    new: ModelChangeValue
