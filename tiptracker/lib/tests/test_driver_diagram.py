"""The driver diagram's drawing: four columns, no two boxes of a column overlapping, a line
to every driver a change idea serves, and the same tree always the same picture."""

from django.core.cache import cache

from tiptracker.lib.driver_diagram import Tree, _layout, diagram_png, diagram_svg

TREE = Tree(
    aim="Young people feel listened to: from about half to three in four, by 31 March 2023",
    primaries=(
        (
            "Leadership",
            ("Leaders model trauma-informed values and make it a priority", "Champions"),
        ),
        ("Environments", ("Welcoming, calm and safe places to meet",)),
        ("Measurement", ()),  # none yet: it keeps its row
    ),
    ideas=(
        ("Young people's panel co-designs the first meeting", (0, 2)),
        ("Monthly huddle", (1,)),
    ),
)


def test_no_two_boxes_of_a_column_overlap_and_each_idea_links_to_what_it_serves():
    columns, links, height = _layout(TREE, 705.0)
    assert [len(c) for c in columns] == [1, 3, 3, 2]
    for column in columns:
        ordered = sorted(column, key=lambda b: b.top)
        for upper, lower in zip(ordered, ordered[1:], strict=False):
            assert upper.top + upper.height <= lower.top
        assert all(b.top + b.height <= height for b in column)
    secondaries, ideas = columns[2], columns[3]
    panel = next(b for b in ideas if b.lines[0].startswith("Young"))
    assert {id(left) for left, right in links if right is panel} == {
        id(secondaries[0]),
        id(secondaries[2]),
    }
    # The aim joins every primary driver.
    assert sum(1 for left, _ in links if left is columns[0][0]) == 3


def test_the_drawing_is_an_image_named_for_its_reader_and_the_same_every_time():
    svg = diagram_svg(TREE, title="Driver diagram of First appointments")
    assert 'role="img"' in svg and "<title>Driver diagram of First appointments</title>" in svg
    assert "style=" not in svg  # the pages' content security policy blocks inline styles
    cache.clear()  # drawn again, not read back: the same figures give the same file
    assert diagram_svg(TREE, title="Driver diagram of First appointments") == svg
    assert diagram_png(TREE).startswith(b"\x89PNG\r\n\x1a\n")
