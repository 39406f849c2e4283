variable "1bad" {}
