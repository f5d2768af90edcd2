"""The examples in the graph functions' docstrings hold."""

import doctest

import pytest

from glossary import rules
from graphviz_app import editing, layout, queries, render


@pytest.mark.parametrize("module", [queries, render, layout, editing, rules], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0
