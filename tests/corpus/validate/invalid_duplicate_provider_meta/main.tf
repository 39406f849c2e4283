terraform {
  provider_meta "aws" {}
  provider_meta "aws" {}
}
