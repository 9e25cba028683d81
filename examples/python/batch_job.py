"""Corpus-scale NER from Python: the NER batch job (Step Functions Distributed Map, S3 to S3) on the network,
model store, layer and model sync of the packages' wheels. `pnpm test:consumer` synthesizes it and runs
`tofu validate` on it (scripts/consumer/python.sh); modules/ner-batch-job/README.md shows its job part.

    python batch_job.py   # writes cdktf.out/stacks/corpus-ner
"""

import json

from cdktf import App, TerraformOutput, TerraformStack
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct
from serverless_spacy.model_store import EfsModelStore
from serverless_spacy.model_sync import ModelSource, ModelSpec, ModelSync
from serverless_spacy.ner_batch_job import NerBatchJob
from serverless_spacy.network import NatGatewayMode, Network
from serverless_spacy.spacy_function import SpacyLayer, SpacyModel

SM_SHA256 = "1932429db727d4bff3deed6b34cfc05df17794f4a52eeb26cf8928f7c1a0fb85"


class CorpusNerStack(TerraformStack):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        AwsProvider(self, "aws", region="eu-west-1")

        network = Network(
            self,
            "network",
            name="corpus",
            cidr="10.50.0.0/16",
            nat_gateways=NatGatewayMode.SINGLE,
            s3_gateway_endpoint=True,
        )
        store = EfsModelStore(
            self,
            "models",
            name="corpus-models",
            vpc_id=network.vpc_id,
            subnet_ids=network.private_subnet_ids,
            availability_zones=network.availability_zones,
        )
        # A spaCy layer version published elsewhere (SpacyLayer's zip_path uploads one instead).
        layer = SpacyLayer(self, "spacy", layer_arn="arn:aws:lambda:eu-west-1:123456789012:layer:spacy:1")
        sync = ModelSync(
            self,
            "sync",
            name="corpus-model-sync",
            vpc_id=network.vpc_id,
            subnet_ids=network.private_subnet_ids,
            model_store=store,
            model=ModelSpec(
                name="en_core_web_sm",
                version="3.8.0",
                source=ModelSource.spacy_release("en_core_web_sm", "3.8.0", SM_SHA256),
            ),
            layer_arns=[layer.layer_arn],
            internet_egress=network.internet_egress,
        )
        data_team = IamRole(
            self,
            "data-team",
            name="corpus-data-team",
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
                separators=(",", ":"),
            ),
        )

        # region ner-batch-job
        job = NerBatchJob(
            self,
            "ner-job",
            name="corpus-ner-job",
            vpc_id=network.vpc_id,
            subnet_ids=network.private_subnet_ids,
            s3_prefix_list_id=network.s3_prefix_list_id,
            model_store=store,
            model=SpacyModel(name="en_core_web_sm", version="3.8.0"),
            layer=layer,
            model_ready=[sync.invocation],
            memory_size=1769,
            reserved_concurrency=5,
            max_concurrency=5,
        )
        # Returns a Grant: the policy it created is in its .dependables.
        job.grant_start_jobs(role_name=data_team.name, role_arn=data_team.arn)
        # endregion

        TerraformOutput(self, "state_machine_arn", value=job.state_machine_arn)
        TerraformOutput(self, "input_uri", value=job.input_uri)


if __name__ == "__main__":
    app = App()
    CorpusNerStack(app, "corpus-ner")
    app.synth()
