"""Reading an API error body: {key: messages}, where key is a field name, `non_field_errors` or
`detail`, and each message is a string or an object with its `message` (and `code`)."""


def error_messages(response):
    """{key: [message text]} of an error response, whatever shape each message takes."""
    body = response.json()
    return {key: [_text(item) for item in (value if isinstance(value, list) else [value])] for key, value in body.items()}


def _text(item):
    return item["message"] if isinstance(item, dict) else item
