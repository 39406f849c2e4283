# the test files are what is checked here
