variable "name" {
  type        = string
  description = "A name"
  default     = "x"
  validation {
    condition     = length(var.name) > 0
    error_message = "Name must not be empty."
  }
}
variable "opts" {
  type = object({
    a = string
    b = optional(number, 5)
    c = optional(list(string), [])
    d = optional(object({ e = optional(bool, true) }), {})
  })
  default = { a = "x" }
}
variable "secret" {
  type      = string
  sensitive = true
  default   = "s"
}
variable "nn" {
  type     = number
  nullable = false
  default  = 1
}
variable "eph" {
  type      = string
  ephemeral = true
  default   = null
}
variable "anything" {}
variable "legacy_list" {
  type    = list
  default = [1, "a"]
}
variable "tup" {
  type    = tuple([string, number, bool])
  default = ["a", 1, true]
}
variable "m" {
  type    = map(set(number))
  default = { a = [1, 2, 2] }
}
output "opts_b" {
  value = var.opts.b
}
output "secret" {
  value     = var.secret
  sensitive = true
}
