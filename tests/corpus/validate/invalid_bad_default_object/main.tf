variable "o" {
  type    = object({ a = string })
  default = {}
}
