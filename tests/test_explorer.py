"""The project explorer over the real build: filters, facet counts, and the SPARQL behind a
view answering exactly the rows the explorer shows."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ruhrgraph.query.explorer import (
    FilterError,
    Filters,
    explore,
    load_table,
    view_query,
)
from ruhrgraph.store import ReadStore


@pytest.fixture(scope="module")
def graph(built_graph):
    store = ReadStore.open(built_graph.store)
    return store, load_table(store.select)


def test_the_table_has_every_project(graph):
    _, table = graph
    assert len(table.rows) == 74
    assert sum(row.measures for row in table.rows) == 301
    row = next(r for r in table.rows if r.code == "05-02")
    assert (table.keys[row.field], table.keys[row.ministry]) == ("2", "mwide")
    assert {table.keys[p] for p in row.places} == {"05911000"}
    assert {table.keys[o] for o in row.organisations} == {
        "max-planck-institut-sicherheit-privatsphaere", "exzellenzcluster-casa", "start4chem",
        "vci"}
    assert (row.start, row.end, row.open_ended) == (None, 2034, False)


def test_filters_combine_and_facets_count_under_the_other_filters(graph):
    _, table = graph
    view = explore(table, Filters.parse({"ministry": "mwide", "running_in": "2030"}, table))
    codes = [r.code for r in view.all_rows]
    assert codes == sorted(codes) and view.total == len(codes) > 0
    assert all(table.keys[r.ministry] == "mwide" and r.running_in(2030) for r in view.all_rows)
    # the ministry facet counts every ministry under the year filter alone
    alone = explore(table, Filters.parse({"running_in": "2030"}, table))
    by_ministry = {v.key: v.count for v in view.facets["ministry"]}
    assert by_ministry["mwide"] == view.total
    assert sum(by_ministry.values()) == alone.total
    assert [v.key for v in view.facets["ministry"] if v.selected] == ["mwide"]


@pytest.mark.parametrize(("args", "parameter", "message"), [
    ({"field": "9"}, "field", "no field has the key '9' in the catalogue"),
    ({"place": "'; DROP"}, "place", "no place has the key \"'; DROP\" in the catalogue"),
    ({"start_from": "20x"}, "start_from", "a year from 1900 to 2200, not '20x'"),
    ({"running_in": "99999"}, "running_in", "a year from 1900 to 2200, not '99999'"),
    ({"open_ended": "maybe"}, "open_ended", "'yes' or 'no', not 'maybe'"),
])
def test_bad_values_name_their_parameter(graph, args, parameter, message):
    with pytest.raises(FilterError) as caught:
        Filters.parse(args, graph[1])
    assert (caught.value.parameter, caught.value.message) == (parameter, message)


def test_sorting_by_a_column_and_paging(graph):
    _, table = graph
    view = explore(table, Filters(), sort="measures", descending=True, page=1, page_size=10)
    counts = [r.measures for r in view.all_rows]
    assert counts == sorted(counts, reverse=True)
    assert len(view.rows) == 10 and view.rows == view.all_rows[:10]
    last = explore(table, Filters(), page=8, page_size=10)
    assert [r.code for r in last.rows] == [r.code for r in table.rows][70:74]


def _keys(table, kind):
    return sorted({k for i, k in table.keys.items() if f"/{kind}/" in i})


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_sparql_behind_a_view_answers_its_rows(graph, data):
    store, table = graph
    args = _draw_filters(data, table)
    filters = Filters.parse(args, table)
    shown = [r.code for r in explore(table, filters).all_rows]
    answered = sorted(row["code"].value for row in store.select(view_query(filters, table)))
    assert shown == answered, args


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_each_facet_counts_its_values_under_the_other_filters(graph, data):
    """A value's count is the number of rows the view would show with that value chosen in
    its facet instead (the definition, asked of explore itself one value at a time)."""
    _, table = graph
    args = _draw_filters(data, table)
    view = explore(table, Filters.parse(args, table))
    for facet, values in view.facets.items():
        for value in values:
            instead = Filters.parse({**args, facet: value.key}, table)
            assert value.count == explore(table, instead).total, (args, facet, value.key)
        shown = {v.key for v in values}
        kind = "ministry" if facet == "named_ministry" else facet
        for key in set(_keys(table, kind)) - shown:  # a value not shown has no row
            instead = Filters.parse({**args, facet: key}, table)
            assert explore(table, instead).total == 0, (args, facet, key)


def _draw_filters(data, table) -> dict[str, str]:
    args = {}
    for facet, kind in (("field", "field"), ("ministry", "ministry"), ("place", "place"),
                        ("named_ministry", "ministry"), ("organisation", "organisation")):
        if data.draw(st.booleans()):
            args[facet] = data.draw(st.sampled_from(_keys(table, kind)))
    for name in ("start_from", "start_to", "end_from", "end_to", "running_in"):
        if data.draw(st.integers(0, 3)) == 0:
            args[name] = str(data.draw(st.integers(2018, 2036)))
    if data.draw(st.integers(0, 3)) == 0:
        args["open_ended"] = data.draw(st.sampled_from(["yes", "no"]))
    return args
