// CborInstants ENDPOINT STREAM CONSUMER_ARN — what the AWS SDK for Java v2 (CBOR, as it speaks to
// Kinesis by default) reads from Eddy's answers: every timestamp as epoch milliseconds, one
// "Operation.Member=millis" line each, for the test to compare with botocore's and cbor2's reading.
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

public class CborInstants {
  public static void main(String[] args) {
    String stream = args[1], consumer = args[2];
    KinesisClient k = KinesisClient.builder().endpointOverride(URI.create(args[0])).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
    print("DescribeStream.StreamCreationTimestamp",
        k.describeStream(b -> b.streamName(stream)).streamDescription().streamCreationTimestamp().toEpochMilli());
    print("DescribeStreamSummary.StreamCreationTimestamp",
        k.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamCreationTimestamp().toEpochMilli());
    print("ListStreams.StreamCreationTimestamp",
        k.listStreams(b -> b.limit(100)).streamSummaries().stream().filter(s -> s.streamName().equals(stream)).findFirst()
            .orElseThrow().streamCreationTimestamp().toEpochMilli());
    print("DescribeStreamConsumer.ConsumerCreationTimestamp",
        k.describeStreamConsumer(b -> b.consumerARN(consumer)).consumerDescription().consumerCreationTimestamp().toEpochMilli());
    String streamARN = k.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamARN();
    print("ListStreamConsumers.ConsumerCreationTimestamp",
        k.listStreamConsumers(b -> b.streamARN(streamARN)).consumers().get(0).consumerCreationTimestamp().toEpochMilli());
    String iterator = k.getShardIterator(b -> b.streamName(stream).shardId("shardId-000000000000")
        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    print("GetRecords.ApproximateArrivalTimestamp",
        k.getRecords(b -> b.shardIterator(iterator)).records().get(0).approximateArrivalTimestamp().toEpochMilli());
    // As Terraform and the CDK create a stream when no count is given.
    k.createStream(b -> b.streamName(stream + "-no-count"));
    System.out.println("created " + stream + "-no-count");
    k.close();
  }

  static void print(String what, long millis) { System.out.println(what + "=" + millis); }
}
