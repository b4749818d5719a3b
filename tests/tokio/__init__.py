"""tokio 1.24.2's own tests of the bounded channel and Notify, translated to pytest.

Each test names the tokio test it comes from (`file::name`, at tokio commit
4f6a95bad, the v1.24.2 release). Tests that do not apply here are listed, with the
reason, in each file's `NOT_TRANSLATED` table and reported as skipped.
"""
