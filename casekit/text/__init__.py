"""Text helpers below every layer that reads or writes Chinese text (intake, privacy, analysis).

Only what has no knowledge of bundles, regions or findings lives here: the one shared copy of
jieba's general dictionary (:mod:`casekit.text.jieba_dict`).
"""

from casekit.text.jieba_dict import base_jieba_dictionary, jieba_tokenizer

__all__ = ["base_jieba_dictionary", "jieba_tokenizer"]
