"""The one way the bot talks to a language model: the official ``openai`` client
(async) against any OpenAI-compatible server.

``AIClient.generate`` never raises for an AI problem. It answers an ``AIResult``
whose ``status`` says what happened: "ok" (the value is a validated model, or the
text of a text prompt), "disabled" (no OPENAI_API_KEY: nothing is sent), "timeout",
"error" (HTTP or API errors once the client's own retries are spent) or "invalid"
(no JSON, JSON that fails the model, or empty text). Callers show their template
result whenever ``ok`` is false.

The client holds no database session while a request is in flight; afterwards it
records one ``ai_calls`` row (status, tokens when known, latency, model, prompt and
version, feature, user) in a short transaction of its own, failed calls included.
Logs carry no user text. A programming error (an unknown prompt, a missing
variable, a JSON prompt without a model) raises ``ValueError``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import openai
from openai import AsyncOpenAI
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.ai.prompts import Prompt, load_prompt
from bot.clock import Clock
from bot.config import Settings
from bot.text import cut_text
from storage.repositories.ai import AIRepo

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

STATUSES = ("ok", "disabled", "timeout", "error", "invalid")
_FENCE_RE = re.compile(r"^```[A-Za-z0-9_-]*\s*\n?(.*?)\n?```$", re.DOTALL)
#: Beyond the client's own per-request timeout and retries: a last guard (seconds).
_GUARD_SLACK = 5.0


@dataclass(frozen=True)
class AIResult(Generic[M]):
    #: The validated model, or the text of a text prompt; None unless ok.
    value: M | str | None
    #: "ok" | "disabled" | "timeout" | "error" | "invalid"
    status: str
    #: The version of the prompt file used (stored with the artefact).
    prompt_version: str

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def strip_fences(content: str) -> str:
    """A reply wrapped in ```json ... ``` fences, unwrapped."""
    content = content.strip()
    match = _FENCE_RE.match(content)
    return match.group(1).strip() if match else content


@dataclass
class _Outcome:
    status: str
    value: Any = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


class AIClient:
    """One per process (it keeps the HTTP connection pool); ``close`` at shutdown."""

    def __init__(
        self,
        settings: Settings,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        *,
        client: AsyncOpenAI | None = None,
    ) -> None:
        self.settings = settings
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.model = settings.openai_model
        self._owns_client = client is None
        self._client: AsyncOpenAI | None = client
        key = settings.openai_api_key
        if client is None and key is not None:
            self._client = AsyncOpenAI(
                api_key=key.get_secret_value(),
                base_url=settings.openai_base_url,
                timeout=settings.openai_timeout,
                max_retries=settings.openai_max_retries,
            )
        attempts = settings.openai_max_retries + 1
        #: Every attempt's timeout plus the client's back-off between them, and slack.
        self._guard = settings.openai_timeout * attempts + 2.0 * attempts + _GUARD_SLACK

    @property
    def enabled(self) -> bool:
        """A key is configured (and so a client exists)."""
        return self.settings.openai_api_key is not None and self._client is not None

    async def generate(
        self,
        prompt: str,
        variables: dict[str, Any],
        output: type[M] | None = None,
        *,
        feature: str,
        user_id: int | None = None,
    ) -> AIResult[M]:
        spec = load_prompt(prompt)
        if (spec.output == "json") != (output is not None):
            raise ValueError(f"prompt {prompt} is {spec.output}: give a model only for json")
        messages = spec.render(variables)  # ValueError for a missing or unexpected variable
        started = time.monotonic()
        if not self.enabled or self._client is None:
            outcome = _Outcome("disabled")
        else:
            outcome = await self._call(self._client, spec, messages, output)
        latency_ms = int((time.monotonic() - started) * 1000)
        log.log(
            logging.INFO if outcome.status in ("ok", "disabled") else logging.WARNING,
            "ai call",
            extra={
                "feature": feature,
                "prompt": spec.name,
                "prompt_version": spec.version,
                "model": self.model,
                "status": outcome.status,
                "latency_ms": latency_ms,
                "prompt_tokens": outcome.prompt_tokens,
                "completion_tokens": outcome.completion_tokens,
            },
        )
        await self._record(spec, outcome, feature, user_id, latency_ms)
        value = outcome.value if outcome.status == "ok" else None
        return AIResult(value=value, status=outcome.status, prompt_version=spec.version)

    async def _call(
        self,
        client: AsyncOpenAI,
        spec: Prompt,
        messages: list[dict[str, str]],
        output: type[BaseModel] | None,
    ) -> _Outcome:
        kwargs: dict[str, Any] = {"model": self.model, "messages": messages}
        if spec.schema is not None:
            kwargs["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": spec.name, "schema": spec.schema, "strict": False},
            }
        try:
            async with asyncio.timeout(self._guard):
                response = await client.chat.completions.create(**kwargs)
        except (openai.APITimeoutError, TimeoutError):
            return _Outcome("timeout")
        except openai.APIStatusError as exc:
            log.warning(
                "ai request failed",
                extra={"prompt": spec.name, "error": type(exc).__name__, "http": exc.status_code},
            )
            return _Outcome("error")
        except Exception as exc:  # connection errors, odd replies: the template answers
            log.warning(
                "ai request failed", extra={"prompt": spec.name, "error": type(exc).__name__}
            )
            return _Outcome("error")
        usage = getattr(response, "usage", None)
        tokens_in = getattr(usage, "prompt_tokens", None) if usage is not None else None
        tokens_out = getattr(usage, "completion_tokens", None) if usage is not None else None
        outcome = _Outcome("invalid", prompt_tokens=tokens_in, completion_tokens=tokens_out)
        choices = getattr(response, "choices", None) or []
        content = choices[0].message.content if choices and choices[0].message else None
        if not isinstance(content, str) or not content.strip():
            return outcome
        if output is None:
            text = strip_fences(content) if content.lstrip().startswith("```") else content
            text = text.strip()
            if not text:
                return outcome
            outcome.status, outcome.value = "ok", cut_text(text, spec.max_chars or len(text))
            return outcome
        try:
            outcome.value = output.model_validate(json.loads(strip_fences(content)))
        except (json.JSONDecodeError, ValidationError, TypeError, ValueError) as exc:
            log.warning(
                "ai reply invalid", extra={"prompt": spec.name, "error": type(exc).__name__}
            )
            return outcome
        outcome.status = "ok"
        return outcome

    async def _record(
        self, spec: Prompt, outcome: _Outcome, feature: str, user_id: int | None, latency_ms: int
    ) -> None:
        """One row per call, in its own short transaction (a failure here is logged)."""
        try:
            async with self.sessionmaker() as session, session.begin():
                await AIRepo(session).record_call(
                    feature=feature,
                    prompt=spec.name,
                    prompt_version=spec.version,
                    model=self.model,
                    status=outcome.status,
                    latency_ms=latency_ms,
                    created_at=self.clock(),
                    prompt_tokens=outcome.prompt_tokens,
                    completion_tokens=outcome.completion_tokens,
                    user_id=user_id,
                )
        except Exception:
            log.exception("could not record an ai call", extra={"feature": feature})

    async def close(self) -> None:
        if self._client is not None and self._owns_client:
            await self._client.close()
