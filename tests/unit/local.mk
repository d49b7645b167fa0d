# Unit tests (cmocka); filled in by the unit test suite.
