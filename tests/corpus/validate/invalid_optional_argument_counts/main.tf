variable "none" {
  type = object({ a = optional() })
}

variable "three" {
  # a type with errors is any type: the default is not checked against it
  type    = object({ a = optional(string, "x", "y"), b = string })
  default = {}
}

variable "exact" {
  type = list(optional(string))
}
