"""CSV tables of the command line: what is read, and the file, line and column of every refusal."""

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_mlp.cli.csvdata import CsvError, format_table, read_chunks, read_table, table_writer, write_table


def write(tmp_path, text, name="data.csv", mode="w"):
    path = tmp_path / name
    if mode == "wb":
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return str(path)


def error_of(path):
    with pytest.raises(CsvError) as info:
        read_table(path)
    return str(info.value)


# ------------------------------------------------------------------ reading
def test_reads_header_numbers_and_line_numbers(tmp_path):
    path = write(tmp_path, "a, b ,y\n1,2.5,0\n-3,4e2,1\n")
    table = read_table(path)
    assert table.columns == ["a", "b", "y"]
    np.testing.assert_array_equal(table.values, [[1, 2.5, 0], [-3, 400, 1]])
    assert table.values.dtype == np.float64
    assert table.lines == [2, 3]
    np.testing.assert_array_equal(table.column("b"), [2.5, 400])
    np.testing.assert_array_equal(table.select(["y", "a"]), [[0, 1], [1, -3]])


def test_byte_order_mark_is_not_part_of_the_first_name(tmp_path):
    path = write(tmp_path, "\ufeffx,y\n1,0\n".encode("utf-8"), mode="wb")
    assert read_table(path).columns == ["x", "y"]


def test_blank_lines_are_skipped_and_lines_still_count(tmp_path):
    path = write(tmp_path, "x,y\r\n1,0\r\n\r\n2,1\r\n\r\n\r\n")
    table = read_table(path)
    np.testing.assert_array_equal(table.values, [[1, 0], [2, 1]])
    assert table.lines == [2, 4]


def test_quoted_fields_and_spaces_around_numbers(tmp_path):
    path = write(tmp_path, '"first, name",y\n" 1.5 ",0\n')
    table = read_table(path)
    assert table.columns == ["first, name", "y"]
    assert table.values[0, 0] == 1.5


@pytest.mark.parametrize("chunk_rows", [1, 2, 3, 100])
def test_chunks_hold_the_rows_and_lines_of_the_whole_table(tmp_path, chunk_rows):
    path = write(tmp_path, "\ufeffx,y\r\n1,0\r\n\r\n2,1\r\n3,1\r\n4,0\r\n5,1\r\n\r\n")
    chunks = list(read_chunks(path, chunk_rows))
    whole = read_table(path)
    assert [len(c.values) for c in chunks][:-1] == [chunk_rows] * (len(chunks) - 1)
    assert all(c.columns == ["x", "y"] for c in chunks)
    np.testing.assert_array_equal(np.concatenate([c.values for c in chunks]), whole.values)
    assert [line for c in chunks for line in c.lines] == whole.lines == [2, 4, 5, 6, 7]


def test_a_bad_line_is_found_when_the_reading_reaches_it(tmp_path):
    path = write(tmp_path, "x,y\n1,0\n2,1\n3,oops\n")
    chunks = read_chunks(path, 2)
    assert len(next(chunks).values) == 2
    with pytest.raises(CsvError, match="line 4, column 'y'"):
        next(chunks)


def test_a_header_without_rows_is_refused_in_chunks_too(tmp_path):
    with pytest.raises(CsvError, match="no data rows"):
        list(read_chunks(write(tmp_path, "x,y\n\n"), 3))


# ------------------------------------------------------------------ refusals
@pytest.mark.parametrize("text, expected", [
    ("a,b,y\n1,2,0\n3,x,1\n", "line 3, column 'b': expected a number, got 'x'"),
    ("a,b,y\n1,2,0\n3,,1\n", "line 3, column 'b': expected a number, got an empty field"),
    ("a,b,y\n1,nan,0\n", "line 2, column 'b': expected a finite number, got 'nan'"),
    ("a,b,y\n1,2,0\n\n1,-inf,0\n", "line 4, column 'b': expected a finite number, got '-inf'"),
    ("a,b,y\n1,2,0\n3,4\n", "line 3: expected 3 fields like the header, got 2"),
    ("a,b,y\n1,2,0,7\n", "line 2: expected 3 fields like the header, got 4"),
    ("a,,y\n1,2,0\n", "line 1: the header's field 2 is empty"),
    ("a,b,a\n1,2,0\n", "line 1: the header names column 'a' twice"),
    ("", "the file is empty"),
    ("\n\n  \n", "the file is empty"),
    ("a,b,y\n\n", "the header has no data rows"),
])
def test_refusals_name_file_line_and_column(tmp_path, text, expected):
    path = write(tmp_path, text)
    message = error_of(path)
    assert message.startswith(path)
    assert expected in message
    assert "\n" not in message


def test_not_utf8_names_the_line(tmp_path):
    path = write(tmp_path, b"\xef\xbb\xbfa,b\n1,2\n3,\xff\n", mode="wb")
    assert error_of(path) == f"{path}, line 3: not UTF-8 text (byte 0xff)"


def test_bad_quoting_is_a_csv_error(tmp_path):
    path = write(tmp_path, 'a,b\n1,"2\n')
    assert "not valid CSV" in error_of(path)


def test_missing_column_lists_the_header(tmp_path):
    table = read_table(write(tmp_path, "a,b\n1,2\n"))
    with pytest.raises(CsvError, match=r"no column 'z'; the header has 'a', 'b'"):
        table.column("z")


def test_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_table(tmp_path / "absent.csv")


# ------------------------------------------------------------------ writing
def test_format_table_writes_whole_numbers_without_a_point():
    text = format_table(["p", "label"], [[0.25, 1], [1.0, 0]])
    assert text == "p,label\n0.25,1\n1,0\n"


@settings(max_examples=40)
@given(st.lists(st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=2, max_size=2),
                min_size=1, max_size=8))
def test_written_numbers_read_back_exactly(rows):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "t.csv")
        write_table(path, ["u", "v"], rows)
        table = read_table(path)
    np.testing.assert_array_equal(table.values, np.array(rows, dtype=np.float64))


def test_write_table_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "out.csv"
    write_table(path, ["a"], [[1.0]])
    assert sorted(os.listdir(tmp_path)) == ["out.csv"]
    assert path.read_text() == "a\n1\n"


def test_table_writer_replaces_the_file_at_the_end(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("old\n")
    with table_writer(path, ["a", "b"]) as write_rows:
        write_rows([[1.0, 2.5]])
        assert path.read_text() == "old\n"  # nothing shows before the end
        write_rows([[3.0, 4.0], [5.0, 6.0]])
    assert path.read_text() == "a,b\n1,2.5\n3,4\n5,6\n"
    assert sorted(os.listdir(tmp_path)) == ["out.csv"]


def test_table_writer_keeps_the_old_file_when_the_work_fails(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("old\n")
    with pytest.raises(CsvError):
        with table_writer(path, ["a"]) as write_rows:
            write_rows([[1.0]])
            raise CsvError("bad row")
    assert path.read_text() == "old\n"
    assert sorted(os.listdir(tmp_path)) == ["out.csv"]


def test_table_writer_to_standard_output(capsys):
    with table_writer(None, ["a"]) as write_rows:
        write_rows([[1.0], [2.0]])
    assert capsys.readouterr().out == "a\n1\n2\n"


def test_python_digit_separators_are_not_numbers_in_a_data_file(tmp_path):
    path = write(tmp_path, "x,y\n1_0,1\n")
    with pytest.raises(CsvError, match="line 2, column 'x'.*'1_0'"):
        read_table(path)
