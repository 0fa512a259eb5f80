"""A Telegram message carries its own time, so its dates count from when it was written."""

from types import SimpleNamespace

from channels.telegram import BackstrideTelegramInput


def metadata(body):
    return BackstrideTelegramInput.get_metadata(None, SimpleNamespace(json=body))


def test_the_message_date_is_the_timestamp():
    assert metadata({"message": {"date": 1780000000, "text": "since Sunday"}}) == {"timestamp": 1780000000}
    assert metadata({"callback_query": {"message": {"date": 1780000001}}}) == {"timestamp": 1780000001}


def test_no_date_no_metadata():
    assert metadata({"message": {"text": "hi"}}) is None
    assert metadata({"message": {"date": "yesterday"}}) is None
    assert metadata(["not", "an", "update"]) is None
    assert metadata(None) is None
