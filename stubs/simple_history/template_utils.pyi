from typing import Any

from django.db.models import Model
from django.utils.safestring import SafeString

from .models import HistoricalChanges, ModelChange, ModelChangeValue

class HistoricalRecordContextHelper:
    model: type[Model]
    record: HistoricalChanges
    def __init__(self, model: type[Model], historical_record: HistoricalChanges) -> None: ...
    def prepare_delta_change_value(self, change: ModelChange, value: ModelChangeValue) -> Any: ...
    def stringify_delta_change_values(
        self, change: ModelChange, old: Any, new: Any
    ) -> tuple[SafeString, SafeString]: ...
