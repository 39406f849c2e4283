variable "v" {
  default = "abc"
}
