-- Short-link counts without tracking: how many times each short link was
-- opened on each day (UTC), and nothing else. No address, browser, referrer,
-- cookie or time of day is kept: a row cannot say who opened a link.
-- `code` is a record's short code, or 'list' for a link to several items.

CREATE TABLE link_open (
    code TEXT NOT NULL,
    day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    opens INTEGER NOT NULL CHECK (opens > 0),
    PRIMARY KEY (code, day)
) WITHOUT ROWID;
