variable "v" {
  default = 1
}
check "c" {
  assert {
    condition     = var.v == 1
    error_message = "x"
  }
}
