variable "o" {
  type = object({ a = optional(number, "x") })
}
