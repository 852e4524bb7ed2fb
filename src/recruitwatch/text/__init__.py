"""Reading a text, shared by screening, extraction and training: sentences and paragraphs,
literal gates for regular expressions, and the record of what was read (language, sentences,
cue hits) that screening hands to extraction."""
