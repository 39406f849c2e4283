variable "l" {
  type    = list(number)
  default = [1, "x"]
}
