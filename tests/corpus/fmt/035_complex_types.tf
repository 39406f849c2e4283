variable "config" {
  type = object({
    name = string
    size = optional(number, 10)
    tags = optional(map(string), {})
    rules = list(object({
      port = number
      cidrs = list(string)
    }))
  })
  default = {
    name = "x"
    rules = []
  }
  nullable = false
  sensitive = true
}
variable "tuple" {
  type = tuple([string,number,bool])
}
