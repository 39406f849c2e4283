variable "token" {
  type      = string
  ephemeral = true
  sensitive = true
  default   = "t"
}
variable "opt" {
  type     = string
  nullable = true
  default  = null
}
