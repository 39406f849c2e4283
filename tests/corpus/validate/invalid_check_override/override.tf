check "c" {
  assert {
    condition     = var.v == 2
    error_message = "y"
  }
}
