from typing import Any

MODEL_FILE: str

class LanguageIdentifier:
    @classmethod
    def from_model_file(
        cls, model_file: str, *args: Any, norm_probs: bool = ..., **kwargs: Any
    ) -> LanguageIdentifier: ...
    def classify(self, text: str | bytes) -> tuple[str, float]: ...
    def rank(self, text: str | bytes) -> list[tuple[str, float]]: ...
