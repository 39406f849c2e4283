variable "t" {
  type = strin
}
